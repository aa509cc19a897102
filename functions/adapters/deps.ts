import { randomBytes } from 'node:crypto';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { type Clock, scaledClock, systemClock } from '#core/clock';
import type { AccountSignOut, Deps, MailPort, StaffDirectory, WorkflowPort } from '#core/ports';
import { type Config, loadConfig } from './config.ts';
import { createDocumentClient, DynamoCaseRepository } from './dynamo-repository.ts';
import type { Mailer, SdkTimeouts } from './mailer.ts';

/**
 * Step Functions calls of a handler: a StartExecution or SendTaskSuccess that hangs fails the
 * request (Step Functions is idempotent by execution name and the token is kept) instead of
 * running into the Lambda timeout.
 */
export const SFN_TIMEOUTS: SdkTimeouts = { requestTimeout: 10_000, connectionTimeout: 2_000 };

/** Workflow time: real time on AWS; accelerated on the local host when STEGVIS_TIME_SCALE is set. */
export function clockFromConfig(config: Pick<Config, 'STEGVIS_TIME_SCALE' | 'STEGVIS_TIME_ANCHOR'>): Clock {
  const scale = Number(config.STEGVIS_TIME_SCALE ?? '1');
  if (!config.STEGVIS_TIME_ANCHOR || !(scale > 0) || scale === 1) return systemClock;
  const [realAnchor, virtualAnchor] = config.STEGVIS_TIME_ANCHOR.split(':').map(Number);
  if (!Number.isFinite(realAnchor) || !Number.isFinite(virtualAnchor)) return systemClock;
  return scaledClock({ realAnchor: realAnchor as number, virtualAnchor: virtualAnchor as number, scale });
}

/** Case ids: 20 base32 characters (100 bits), safe in URLs and execution names, no personal data. */
export function newCaseId(): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyz23456789';
  return Array.from(randomBytes(20), (b) => alphabet[b % alphabet.length]).join('');
}

/** Ports whose methods all return promises, so a lazily loaded implementation can stand behind them. */
type AsyncMethods<P> = {
  [K in keyof P]: P[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => Promise<R> : never;
};

/**
 * A port built on first use. A handler that never calls it never loads the module behind it: the
 * SDK client packages are big, and loading them is most of a Lambda's cold start. `methods` lists
 * every method of the port (`satisfies Record<keyof Port, true>` keeps it complete). A failed load
 * is not cached, so the next call tries again.
 */
export function lazyPort<P extends AsyncMethods<P>>(
  methods: Record<keyof P, true>,
  load: () => Promise<P>,
): P {
  let loading: Promise<P> | undefined;
  const port = () =>
    (loading ??= load().catch((err: unknown) => {
      loading = undefined;
      throw err;
    }));
  const wrapper: Partial<Record<keyof P, unknown>> = {};
  for (const name of Object.keys(methods) as (keyof P)[])
    wrapper[name] = async (...args: unknown[]) => {
      const impl = await port();
      return (impl[name] as (...a: unknown[]) => Promise<unknown>).apply(impl, args);
    };
  return wrapper as P;
}

const WORKFLOW_METHODS = {
  startExecution: true,
  sendTaskSuccess: true,
  listExecutions: true,
  stopExecution: true,
  describeExecution: true,
  history: true,
} as const satisfies Record<keyof WorkflowPort, true>;

/**
 * Step Functions client: region from AWS_REGION, endpoint from AWS_ENDPOINT_URL_SFN. The client
 * package is imported here, on first use, not at the top: esbuild hoists static imports of external
 * packages (the Lambda runtime's @aws-sdk/*) to the top of the single-file bundle.
 */
export async function createSfnClient(timeouts: SdkTimeouts = SFN_TIMEOUTS): Promise<SFNClient> {
  const { SFNClient } = await import('@aws-sdk/client-sfn');
  // A plain-object handler config: the SDK builds its own NodeHttpHandler from it (no second copy in
  // the bundle), and without throwOnRequestTimeout a request timeout only logs a warning.
  return new SFNClient({ maxAttempts: 3, requestHandler: { ...timeouts, throwOnRequestTimeout: true } });
}

/** The WorkflowPort on Step Functions; the SFN client package loads on the first call. */
export function lazySfnWorkflow(stateMachineArn: string, timeouts: SdkTimeouts = SFN_TIMEOUTS): WorkflowPort {
  return lazyPort<WorkflowPort>(WORKFLOW_METHODS, async () => {
    const [{ SfnWorkflow }, client] = await Promise.all([
      import('./sfn-workflow.ts'),
      createSfnClient(timeouts),
    ]);
    return new SfnWorkflow(client, stateMachineArn);
  });
}

/** The SES mailer; the SESv2 client package loads on the first message. */
export function lazySesMailer(opts: {
  from: string;
  configurationSet?: string;
  now?: () => Date;
  timeouts?: SdkTimeouts;
}): Mailer {
  const { timeouts, ...mailerOpts } = opts;
  return lazyPort<Mailer>({ send: true }, async () => {
    const { createSesClient, createSesMailer } = await import('./mailer.ts');
    return createSesMailer({ ...mailerOpts, client: createSesClient(timeouts) });
  });
}

/**
 * The MailPort on SES; it loads with the first message too. Its iCalendar rendering creates a
 * time-zone formatter when loaded, and the first one in a process costs ~10 ms (ICU's zone data).
 */
export function lazySesMailPort(opts: Parameters<typeof lazySesMailer>[0] & { clock: Clock }): MailPort {
  const { clock, ...mailerOpts } = opts;
  return lazyPort<MailPort>({ send: true }, async () => {
    const { createMailPort } = await import('./mail-port.ts');
    return createMailPort(lazySesMailer(mailerOpts), clock);
  });
}

/** The staff directory on the configured user pool; the Cognito client package loads on first use. */
export function lazyStaffDirectory(userPoolId: string): StaffDirectory {
  return lazyPort<StaffDirectory>({ list: true, invite: true, setEnabled: true }, async () => {
    const { CognitoStaffDirectory, createCognitoClient } = await import('./cognito-directory.ts');
    return new CognitoStaffDirectory(createCognitoClient(), userPoolId);
  });
}

let directory: StaffDirectory | undefined;

/** The staff directory (USER_POOL_ID must be configured: it fails loudly here when it is not). */
export function getStaffDirectory(): StaffDirectory {
  if (directory) return directory;
  const id = loadConfig().USER_POOL_ID;
  if (!id) throw new Error('Stegvis configuration is missing or invalid: USER_POOL_ID');
  directory = lazyStaffDirectory(id);
  return directory;
}

let accountSignOut: AccountSignOut | undefined;

/** Cognito's global sign-out of an account (the auth handler's sign-out); USER_POOL_ID must be set. */
export function getAccountSignOut(): AccountSignOut {
  if (accountSignOut) return accountSignOut;
  const id = loadConfig().USER_POOL_ID;
  if (!id) throw new Error('Stegvis configuration is missing or invalid: USER_POOL_ID');
  accountSignOut = lazyPort<AccountSignOut>({ signOut: true }, async () => {
    const { CognitoStaffDirectory, createCognitoClient } = await import('./cognito-directory.ts');
    return new CognitoStaffDirectory(createCognitoClient(), id);
  });
  return accountSignOut;
}

let cached: Deps | undefined;

/**
 * The domain's dependencies, built once per cold start from the configuration. DynamoDB is what
 * every function uses; Step Functions and SES load on first use, so the admin pages never load
 * SES and the mail tasks never load Step Functions.
 */
export function getDeps(): Deps {
  if (cached) return cached;
  const config = loadConfig();
  const clock = clockFromConfig(config);
  const repo = new DynamoCaseRepository(createDocumentClient(), config.TABLE_NAME, () =>
    Math.floor(clock.now() / 1000),
  );
  cached = {
    repo,
    workflow: lazySfnWorkflow(config.PLACEMENT_STATE_MACHINE_ARN),
    mail: lazySesMailPort({
      from: config.MAIL_FROM,
      configurationSet: config.SES_CONFIGURATION_SET || undefined,
      now: () => new Date(clock.now()),
      clock,
    }),
    clock,
    baseUrl: config.PUBLIC_BASE_URL.replace(/\/$/, ''),
    newId: newCaseId,
  };
  return cached;
}

/** For the local host and tests that rebuild the environment. */
export function resetDeps() {
  cached = undefined;
  directory = undefined;
  accountSignOut = undefined;
}
