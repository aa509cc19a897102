import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { routes } from '#functions/routes';
import { StegvisApi } from './constructs/api.ts';
import { StegvisAuth } from './constructs/auth.ts';
import { StegvisData } from './constructs/data.ts';
import { StegvisFunctions } from './constructs/functions.ts';
import { StegvisMail } from './constructs/mail.ts';
import { StegvisObservability } from './constructs/observability.ts';
import { StegvisWorkflows, stateMachineArn, stateMachineName } from './constructs/workflows.ts';
import { REPO_ROOT } from './paths.ts';

export interface StegvisStackProps extends StackProps {
  /** Repository root holding functions/ and workflows/. @default the repository of this file */
  readonly rootDir?: string;
  /** Sender address of all e-mail. */
  readonly mailFrom: string;
  /** Verify this domain in SES instead of the single address. */
  readonly mailDomain?: string;
  /** Prefix of the Cognito domain. */
  readonly authDomainPrefix: string;
  /** Cognito feature plan. @default 'plus' */
  readonly authFeaturePlan?: 'plus' | 'essentials';
  /** E-mail address subscribed to the alarm topic. */
  readonly alarmEmail?: string;
}

/**
 * Stegvis on AWS. Order matters only for references, never for cycles: the API exists before
 * Cognito (callback URLs) and the functions (PUBLIC_BASE_URL); task functions exist before the
 * state machine (its definition names their ARNs); the HTTP functions that act on the state machine
 * are bound to it afterwards. Task functions learn the state machine ARN from its fixed name.
 */
export class StegvisStack extends Stack {
  readonly data: StegvisData;
  readonly mail: StegvisMail;
  readonly api: StegvisApi;
  readonly auth: StegvisAuth;
  readonly functions: StegvisFunctions;
  readonly workflows: StegvisWorkflows;
  readonly observability: StegvisObservability;

  constructor(scope: Construct, id: string, props: StegvisStackProps) {
    super(scope, id, props);
    const rootDir = props.rootDir ?? REPO_ROOT;

    this.data = new StegvisData(this, 'Data');
    this.mail = new StegvisMail(this, 'Mail', { mailFrom: props.mailFrom, mailDomain: props.mailDomain });
    this.api = new StegvisApi(this, 'Api');
    this.auth = new StegvisAuth(this, 'Auth', {
      publicBaseUrl: this.api.endpoint,
      domainPrefix: props.authDomainPrefix,
      featurePlan: props.authFeaturePlan,
    });
    this.functions = new StegvisFunctions(this, 'Functions', {
      rootDir,
      data: this.data,
      mail: this.mail,
      auth: this.auth,
      publicBaseUrl: this.api.endpoint,
      placementStateMachineArn: stateMachineArn(this, 'placement'),
    });
    this.workflows = new StegvisWorkflows(this, 'Workflows', {
      rootDir,
      taskFunctions: this.functions.tasks,
    });
    const placement = this.workflows.stateMachines.placement;
    for (const fn of this.functions.workflowClients) {
      fn.bindStateMachine(placement, stateMachineName(this, 'placement'));
    }
    this.api.addRoutes(routes, this.functions.http, this.functions.authorizer);

    this.observability = new StegvisObservability(this, 'Observability', {
      functions: this.functions.all,
      stateMachines: this.workflows.stateMachines,
      apiStage: this.api.stage,
      alarmEmail: props.alarmEmail,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.endpoint, description: 'Web app and API base URL' });
    new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.auth.client.userPoolClientId });
    new CfnOutput(this, 'AuthDomain', { value: this.auth.domainBaseUrl });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'PlacementStateMachineArn', { value: placement.stateMachineArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.observability.alarmTopic.topicArn });
  }
}
