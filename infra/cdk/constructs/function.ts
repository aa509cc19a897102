import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { acknowledge, wildcardResourceFinding } from '../nag.ts';
import type { StegvisData } from './data.ts';
import type { StegvisMail } from './mail.ts';

/**
 * The newest Node.js runtime this aws-cdk-lib knows (cdk-nag AwsSolutions-L1 checks exactly that).
 * The esbuild target follows it, so bundles never use syntax the runtime lacks.
 */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;
export const ESBUILD_TARGET = `node${LAMBDA_RUNTIME.name.replace(/^nodejs(\d+).*$/, '$1')}`;
export const LOG_RETENTION = RetentionDays.ONE_MONTH;
export const SERVICE_NAME = 'stegvis';
/** The Cognito operations the staff directory calls, and nothing else. */
export const STAFF_DIRECTORY_ACTIONS = [
  'ListUsers',
  'ListUsersInGroup',
  'AdminCreateUser',
  'AdminAddUserToGroup',
  'AdminDisableUser',
  'AdminEnableUser',
  'AdminUserGlobalSignOut',
] as const;

/** Lets ESM bundles `require()` Node built-ins from CommonJS dependencies. */
const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

export interface StegvisFunctionProps {
  /** Absolute path of the handler module; it must export `handler`. */
  readonly entry: string;
  /** Repository root: esbuild's project root, holding package.json and package-lock.json. */
  readonly rootDir: string;
  readonly description?: string;
  /** @default 10 seconds */
  readonly timeout?: Duration;
  readonly environment?: Record<string, string>;
}

/**
 * The one Lambda shape of Stegvis: newest Node runtime on ARM, 512 MB, X-Ray active, ESM bundle
 * (minified, with source maps), its own log group kept one month, and a role that may write only
 * to that log group. Everything else the function may touch is granted by a `bind…` method, which
 * also sets the environment variable the config schema (functions/adapters/config.ts) reads.
 */
export class StegvisFunction extends NodejsFunction {
  /** The function's own log group (one month retention). */
  readonly logs: LogGroup;
  /** The execution role (no AWS managed policies). */
  readonly executionRole: Role;

  constructor(scope: Construct, id: string, props: StegvisFunctionProps) {
    // Role and log group are created as siblings: they must exist before `super()`.
    const logs = new LogGroup(scope, `${id}Logs`, { retention: LOG_RETENTION });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the Stegvis function ${id}`,
    });
    super(scope, id, {
      entry: props.entry,
      handler: 'handler',
      projectRoot: props.rootDir,
      depsLockFilePath: `${props.rootDir}/package-lock.json`,
      description: props.description,
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      role,
      logGroup: logs,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: 'Stegvis',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        target: ESBUILD_TARGET,
        minify: true,
        // Error names are what Step Functions' Retry/Catch match; never let minification rename them.
        keepNames: true,
        sourceMap: true,
        sourcesContent: false,
        forceDockerBundling: false,
      },
    });
    this.logs = logs;
    this.executionRole = role;

    // Least privilege instead of AWSLambdaBasicExecutionRole: write to this function's log group only.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logs.logGroupArn],
      }),
    );
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level ' +
        'permissions, so AWS requires Resource "*". No other statement of this role uses "*".',
    );
  }

  /** Sets the environment variables in one go (config values that need no permission). */
  addEnvironments(environment: Record<string, string>): this {
    for (const [key, value] of Object.entries(environment)) this.addEnvironment(key, value);
    return this;
  }

  /** TABLE_NAME + item access to the table and its indexes (and the table's KMS key). */
  bindTable(data: StegvisData, access: 'read' | 'readWrite' = 'readWrite'): this {
    this.addEnvironment('TABLE_NAME', data.table.tableName);
    data.grantItems(this, access);
    return this;
  }

  /**
   * PLACEMENT_STATE_MACHINE_ARN + start, describe, list, read history, stop, and answer task tokens
   * (send task success/failure/heartbeat) of that state machine and its executions.
   */
  bindStateMachine(
    stateMachine: IStateMachine | string,
    stateMachineName: string,
    variable = 'PLACEMENT_STATE_MACHINE_ARN',
  ): this {
    // Task functions the machine itself invokes get the ARN built from the fixed name: a
    // reference to the machine would make it depend on itself through their policies.
    const arn = typeof stateMachine === 'string' ? stateMachine : stateMachine.stateMachineArn;
    this.addEnvironment(variable, arn);
    const executions = Stack.of(this).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${stateMachineName}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [
          'states:StartExecution',
          'states:ListExecutions',
          'states:DescribeStateMachine',
          'states:SendTaskSuccess',
          'states:SendTaskFailure',
          'states:SendTaskHeartbeat',
        ],
        resources: [arn],
      }),
    );
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['states:DescribeExecution', 'states:GetExecutionHistory', 'states:StopExecution'],
        resources: [executions],
      }),
    );
    acknowledge(
      this.executionRole,
      wildcardResourceFinding(this, executions),
      'Execution names are chosen at run time (derived from case id and segment), so describe/history/stop ' +
        `can only be scoped to the executions of the one state machine ${stateMachineName}.`,
    );
    return this;
  }

  /**
   * USER_POOL_ID + exactly the user-pool operations of the staff directory
   * (functions/adapters/cognito-directory.ts) on that one pool: list accounts and their groups,
   * create one and add it to its role's group, disable (signing it out everywhere) and enable it.
   */
  bindStaffDirectory(userPool: IUserPool): this {
    this.addEnvironment('USER_POOL_ID', userPool.userPoolId);
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: STAFF_DIRECTORY_ACTIONS.map((a) => `cognito-idp:${a}`),
        resources: [userPool.userPoolArn],
      }),
    );
    return this;
  }

  /**
   * USER_POOL_ID + Cognito's global sign-out of an account on that one pool, nothing else: the
   * auth handler's POST /auth/logout revokes the signed-out account's refresh tokens.
   */
  bindSignOut(userPool: IUserPool): this {
    this.addEnvironment('USER_POOL_ID', userPool.userPoolId);
    this.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['cognito-idp:AdminUserGlobalSignOut'],
        resources: [userPool.userPoolArn],
      }),
    );
    return this;
  }

  /** MAIL_FROM + SES_CONFIGURATION_SET + ses:SendEmail/SendRawEmail on the identity and configuration set. */
  bindMail(mail: StegvisMail): this {
    this.addEnvironments(mail.environment);
    mail.grantSend(this);
    acknowledge(
      this.executionRole,
      wildcardResourceFinding(this, mail.identitiesArn),
      'In the SES sandbox SES authorizes every recipient identity too, so sending needs identity/*; ' +
        'the ses:FromAddress condition pins the sender to MAIL_FROM and the configuration set is fixed.',
    );
    return this;
  }
}
