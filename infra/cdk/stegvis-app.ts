import { App, type AppProps, Aws, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { StegvisStack } from './stack.ts';

export interface StegvisAppOptions {
  /** Cloud assembly directory (tests: a temporary directory). */
  readonly outdir?: string;
  /** Context values, as `cdk -c key=value` would give them. */
  readonly context?: AppProps['context'];
  /** Repository root holding functions/ and workflows/. @default this repository */
  readonly rootDir?: string;
  /** Register cdk-nag AwsSolutions as a validation plugin (synth fails on findings). @default true */
  readonly nag?: boolean;
  /** Environment variables to read STEGVIS_* and CDK_DEFAULT_* settings from. @default process.env */
  readonly env?: Record<string, string | undefined>;
}

/**
 * Settings come from context (`cdk synth -c stage=prod`) or the environment (STEGVIS_STAGE, …):
 * - `stage`: stack `Stegvis-<stage>`; without it the stack is `StegvisStack`.
 * - `account`/`region`: default CDK_DEFAULT_ACCOUNT/CDK_DEFAULT_REGION; unset = environment-agnostic.
 * - `mailFrom` (default `no-reply@example.org`), `mailDomain` (verify the domain, not the address).
 * - `authDomainPrefix` (default `stegvis-<account>` or `stegvis-<stage>-<account>`).
 * - `authFeaturePlan`: `plus` (default, Cognito threat protection) or `essentials`.
 * - `alarmEmail`: subscribed to the alarm topic.
 */
export function createStegvisApp(options: StegvisAppOptions = {}) {
  const env = options.env ?? process.env;
  const app = new App({ outdir: options.outdir, context: options.context });
  const setting = (key: string, envName: string): string | undefined => {
    const value = app.node.tryGetContext(key) ?? env[envName];
    return value === undefined || value === '' ? undefined : String(value);
  };

  const stage = setting('stage', 'STEGVIS_STAGE');
  if (stage !== undefined && !/^[a-z][a-z0-9-]{0,20}$/.test(stage)) {
    throw new Error(`stage must be lower-case letters, digits and hyphens: ${stage}`);
  }
  const account = setting('account', 'CDK_DEFAULT_ACCOUNT');
  const region = setting('region', 'CDK_DEFAULT_REGION');
  const featurePlan = setting('authFeaturePlan', 'STEGVIS_AUTH_FEATURE_PLAN') ?? 'plus';
  if (featurePlan !== 'plus' && featurePlan !== 'essentials') {
    throw new Error(`authFeaturePlan must be plus or essentials: ${featurePlan}`);
  }

  const stack = new StegvisStack(app, stage ? `Stegvis-${stage}` : 'StegvisStack', {
    env: account || region ? { account, region } : undefined,
    description: `Stegvis work-training placements${stage ? ` (${stage})` : ''}`,
    rootDir: options.rootDir,
    mailFrom: setting('mailFrom', 'STEGVIS_MAIL_FROM') ?? 'no-reply@example.org',
    mailDomain: setting('mailDomain', 'STEGVIS_MAIL_DOMAIN'),
    authDomainPrefix:
      setting('authDomainPrefix', 'STEGVIS_AUTH_DOMAIN_PREFIX') ??
      `stegvis-${stage ? `${stage}-` : ''}${account ?? Aws.ACCOUNT_ID}`,
    authFeaturePlan: featurePlan,
    alarmEmail: setting('alarmEmail', 'STEGVIS_ALARM_EMAIL'),
  });
  Tags.of(app).add('project', 'stegvis');
  if (stage) Tags.of(app).add('stage', stage);

  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
