import { join } from 'node:path';
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, type IConstruct } from 'constructs';
import { TASKS, type TaskName, WORKFLOWS } from '#tasks/registry';
import { acknowledge } from '../nag.ts';
import { LOG_RETENTION } from './function.ts';

export type WorkflowName = (typeof WORKFLOWS)[number]['name'];

/**
 * The deployed name of a workflow's state machine: `<stack name>-<workflow>`. Fixed names give
 * ARNs known before the state machine exists, so functions the state machine invokes can be told
 * the ARN without a circular dependency.
 */
export function stateMachineName(scope: IConstruct, workflow: WorkflowName): string {
  return `${Stack.of(scope).stackName}-${workflow}`;
}

export function stateMachineArn(scope: IConstruct, workflow: WorkflowName): string {
  return Stack.of(scope).formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: stateMachineName(scope, workflow),
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** `definitionSubstitutions` of every workflow: the task functions' ARNs. */
export function definitionSubstitutions(taskFunctions: Record<TaskName, IFunction>): Record<string, string> {
  const substitutions: Record<string, string> = {};
  for (const task of TASKS) substitutions[task.substitution] = taskFunctions[task.name].functionArn;
  return substitutions;
}

export interface StegvisWorkflowsProps {
  /** Repository root; definitions are read from `<rootDir>/workflows/<file>`. */
  readonly rootDir: string;
  readonly taskFunctions: Record<TaskName, IFunction>;
}

/**
 * One Standard state machine per entry of WORKFLOWS, defined by its ASL file with substitutions,
 * logging ALL events without execution data (payloads may name people), X-Ray tracing on, and
 * allowed to invoke exactly the task functions.
 */
export class StegvisWorkflows extends Construct {
  readonly stateMachines: Record<WorkflowName, StateMachine>;
  readonly logGroups: Record<WorkflowName, LogGroup>;

  constructor(scope: Construct, id: string, props: StegvisWorkflowsProps) {
    super(scope, id);
    const machines: Partial<Record<WorkflowName, StateMachine>> = {};
    const logGroups: Partial<Record<WorkflowName, LogGroup>> = {};
    const functionArns = TASKS.map((task) => props.taskFunctions[task.name].functionArn);

    for (const workflow of WORKFLOWS) {
      const name = stateMachineName(this, workflow.name);
      // Step Functions delivers logs as vended logs; the /aws/vendedlogs/ prefix keeps the
      // CloudWatch Logs resource policy small. Named, so it is deleted with the stack (a retained
      // group would block re-creating the stack); it holds no execution data.
      const logGroup = new LogGroup(this, `${workflow.name}-logs`, {
        logGroupName: `/aws/vendedlogs/states/${name}`,
        retention: LOG_RETENTION,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      const machine = new StateMachine(this, workflow.name, {
        stateMachineName: name,
        stateMachineType: StateMachineType.STANDARD,
        definitionBody: DefinitionBody.fromFile(join(props.rootDir, 'workflows', workflow.file)),
        definitionSubstitutions: definitionSubstitutions(props.taskFunctions),
        logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
        tracingEnabled: true,
      });
      // Unqualified function ARNs only: the ASL invokes `${…Function}` ARNs, never versions or aliases.
      machine.addToRolePolicy(
        new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: functionArns }),
      );
      acknowledge(
        machine.role,
        'AwsSolutions-IAM5[Resource::*]',
        'CloudWatch Logs delivery (logs:CreateLogDelivery, PutResourcePolicy, DescribeLogGroups and friends) ' +
          'and X-Ray (xray:PutTraceSegments, GetSamplingRules) support no resource-level permissions.',
      );
      machines[workflow.name] = machine;
      logGroups[workflow.name] = logGroup;
    }
    this.stateMachines = machines as Record<WorkflowName, StateMachine>;
    this.logGroups = logGroups as Record<WorkflowName, LogGroup>;
  }
}
