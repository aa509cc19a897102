import { readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import * as sesLocalModule from 'aws-ses-v2-local';
import { resetConfigCache } from '#adapters/config';
import { getDeps, resetDeps } from '#adapters/deps';
import { createDocumentClient, DynamoCaseRepository } from '#adapters/dynamo-repository';
import { scaledClock } from '#core/clock';
import { reindexPlacements } from '#core/use-cases/console';
import { applyRetention } from '#core/use-cases/privacy';
import { reconcile } from '#core/use-cases/reconcile';
import type { RouteDef } from '#functions/routes';
import { TASKS, WORKFLOWS } from '#functions/tasks/registry';
import { createLocalIssuer, LOCAL_USERS } from './auth-issuer.ts';
import { loadClockAnchor } from './clock-anchor.ts';
import { startGateway, writeOwn } from './gateway.ts';
import { invoke } from './lambda-runtime.ts';
import { startMailDesk } from './mail-desk.ts';
import { persistLocalMail } from './mail-store.ts';
import { seedUnits } from './seed.ts';
import { checkJava, checkPortFree, ensureTable, startDynamoDb } from './services.ts';
import { startLocalStepFunctions } from './sfn/index.ts';
import { upkeep } from './upkeep.ts';
import { LOCAL_USER_POOL_ID, LocalUserStore } from './user-store.ts';

export const REGION = 'eu-north-1';
export const ACCOUNT = '000000000000';
export const TABLE_NAME = 'stegvis';

export interface HostOptions {
  root: string;
  dataDir: string;
  host: string;
  port: number;
  dynamoPort: number;
  sesPort: number;
  sfnPort: number;
  timeScale: number;
  mailFrom: string;
  log: (msg: string, data?: Record<string, unknown>) => void;
}

export function optionsFromEnv(env = process.env, root = process.cwd()): HostOptions {
  const port = Number(env.PORT ?? 3000);
  const num = (name: string, dflt: number) => {
    const v = Number(env[name] ?? dflt);
    if (!Number.isInteger(v) || v < 0 || v > 65535) throw new Error(`${name} must be a port number`);
    return v;
  };
  return {
    root,
    dataDir: resolve(root, env.STEGVIS_DATA_DIR ?? '.stegvis'),
    host: env.STEGVIS_HOST ?? '127.0.0.1',
    port: num('PORT', port),
    dynamoPort: num('STEGVIS_DYNAMODB_PORT', 8000),
    sesPort: num('STEGVIS_SES_PORT', 8005),
    sfnPort: num('STEGVIS_SFN_PORT', 8083),
    timeScale: Number(env.STEGVIS_TIME_SCALE ?? 1) || 1,
    mailFrom: env.MAIL_FROM ?? 'Stegvis <no-reply@stegvis.local>',
    log: (msg, data) =>
      process.stdout.write(`${JSON.stringify({ t: new Date().toISOString(), msg, ...data })}\n`),
  };
}

const functionName = (task: string) => `stegvis-${task}`;

/** Starts the whole platform on this machine: DynamoDB Local, Step Functions, SES, the gateway. */
export async function startLocalHost(o: HostOptions) {
  checkJava();
  const display = o.host === '127.0.0.1' || o.host === '0.0.0.0' ? 'localhost' : o.host;
  for (const [port, what, env] of [
    [o.port, 'web gateway', 'PORT'],
    [o.dynamoPort, 'DynamoDB Local', 'STEGVIS_DYNAMODB_PORT'],
    [o.sesPort, 'local SES inbox', 'STEGVIS_SES_PORT'],
    [o.sfnPort, 'local Step Functions', 'STEGVIS_SFN_PORT'],
  ] as const)
    await checkPortFree(port, o.host, what, env);

  const baseUrl = `http://${display}:${o.port}`;
  const urls = {
    app: baseUrl,
    inbox: `http://${display}:${o.sesPort}/`,
    dynamodb: `http://127.0.0.1:${o.dynamoPort}`,
    stepFunctions: `http://127.0.0.1:${o.sfnPort}`,
    ses: `http://127.0.0.1:${o.sesPort}`,
  };
  const stateMachineArn = (name: string) =>
    `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:stegvis-${name}`;
  const anchor = loadClockAnchor(join(o.dataDir, 'clock.json'), o.timeScale);
  const clock = scaledClock(anchor);
  // The local user pool: seeded on first start, then kept in the data directory.
  const users = new LocalUserStore(join(o.dataDir, 'auth', 'users.json'), LOCAL_USERS);
  const issuer = createLocalIssuer({ baseUrl, keyFile: join(o.dataDir, 'auth', 'signing-key.pem'), users });

  // The environment the handlers read, exactly as Lambda would give it (plus the endpoints).
  Object.assign(process.env, {
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: urls.dynamodb,
    AWS_ENDPOINT_URL_SFN: urls.stepFunctions,
    AWS_ENDPOINT_URL_SES: urls.ses,
    AWS_ENDPOINT_URL_SESV2: urls.ses,
    // The local user pool answers the Cognito operations of the staff directory.
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: `http://${o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host}:${o.port}/local-cognito`,
    USER_POOL_ID: LOCAL_USER_POOL_ID,
    TABLE_NAME,
    PLACEMENT_STATE_MACHINE_ARN: stateMachineArn('placement'),
    MAIL_FROM: o.mailFrom,
    PUBLIC_BASE_URL: baseUrl,
    AUTH_ISSUER: issuer.issuer,
    AUTH_JWKS_URI: issuer.jwksUri,
    AUTH_CLIENT_ID: issuer.clientId,
    AUTH_DOMAIN: issuer.domain,
    STEGVIS_TIME_SCALE: String(anchor.scale),
    STEGVIS_TIME_ANCHOR: `${anchor.realAnchor}:${anchor.virtualAnchor}`,
    POWERTOOLS_SERVICE_NAME: 'stegvis',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    // No CloudWatch here: the business metrics' EMF lines would only fill the terminal.
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
  });
  resetConfigCache();
  resetDeps();

  const stops: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await Promise.resolve(s()).catch(() => undefined);
  };
  try {
    const dynamo = await startDynamoDb({ port: o.dynamoPort, dataDir: join(o.dataDir, 'dynamodb') });
    stops.push(
      () =>
        new Promise<void>((r) => {
          if (dynamo.child.exitCode !== null) return r();
          dynamo.child.once('exit', () => r());
          dynamo.child.kill('SIGTERM');
        }),
    );
    if (await ensureTable(dynamo.client, TABLE_NAME)) {
      const n = await seedUnits(new DynamoCaseRepository(createDocumentClient(dynamo.client), TABLE_NAME));
      o.log('created table and seeded units', { table: TABLE_NAME, units: n });
    }

    // aws-ses-v2-local is CommonJS with a default export; unwrap it under either interop.
    const m = sesLocalModule as unknown as {
      default: typeof sesLocalModule.default | { default: typeof sesLocalModule.default };
    };
    const startSesLocal = typeof m.default === 'function' ? m.default : m.default.default;
    const kept = persistLocalMail(join(o.dataDir, 'mail', 'sent.jsonl'));
    // aws-ses-v2-local keeps the store and answers the rest of the SES API on a Unix socket of
    // this host; the mail desk in front of it (on the SES port) takes raw sends, shows the inbox,
    // simulates bounces.
    // In the data directory (removed with it), unless that path is too long for a socket (~104 bytes).
    const inData = join(o.dataDir, 'mail', 'ses.sock');
    const sesSocket = inData.length <= 100 ? inData : join(tmpdir(), `stegvis-ses-${process.pid}.sock`);
    rmSync(sesSocket, { force: true });
    const ses = await startSesLocal({ host: '127.0.0.1', port: sesSocket as unknown as number });
    stops.push(
      () =>
        new Promise<void>((r) =>
          ses.close(() => {
            rmSync(sesSocket, { force: true });
            r();
          }),
        ),
    );
    const desk = await startMailDesk({
      host: o.host,
      port: o.sesPort,
      upstreamSocket: sesSocket,
      store: kept.store,
      onEvent: (event) => invoke(o.root, 'functions/tasks/mail-events.ts', 'stegvis-mail-events', event),
      log: o.log,
    });
    stops.push(
      () =>
        new Promise<void>((r) => {
          desk.server.close(() => r());
          desk.server.closeAllConnections();
        }),
    );
    if (kept.restored) o.log('local inbox restored', { mails: kept.restored });

    const substitutions: Record<string, string> = {};
    for (const t of TASKS) substitutions[t.substitution] = functionName(t.name);
    const stateMachines = WORKFLOWS.map((w) => {
      const text = readFileSync(join(o.root, 'workflows', w.file), 'utf8').replace(
        /\$\{(\w+)\}/g,
        (m, k: string) => {
          const v = substitutions[k];
          if (v === undefined) throw new Error(`Unknown substitution ${m} in ${w.file}`);
          return v;
        },
      );
      return { name: `stegvis-${w.name}`, definition: JSON.parse(text) as object };
    });
    const byFunctionName = new Map(TASKS.map((t) => [functionName(t.name), `functions/tasks/${t.name}.ts`]));
    const sfn = await startLocalStepFunctions({
      host: '127.0.0.1',
      port: o.sfnPort,
      stateDir: join(o.dataDir, 'stepfunctions'),
      region: REGION,
      accountId: ACCOUNT,
      stateMachines,
      clock: { now: clock.now, scale: anchor.scale },
      invokeFunction: async (name, payload) => {
        const module = byFunctionName.get(name);
        if (!module) {
          const err = new Error(`Function not found: ${name}`);
          err.name = 'Lambda.ResourceNotFoundException';
          throw err;
        }
        return invoke(o.root, module, name, payload);
      },
      log: (msg, data) => o.log(`stepfunctions: ${msg}`, data),
    });
    stops.push(() => sfn.close());

    const sfnClient = new SFNClient({
      region: REGION,
      endpoint: urls.stepFunctions,
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    const health = async () => {
      const probe = async (f: () => Promise<unknown>) => {
        try {
          await f();
          return 'up';
        } catch {
          return 'down';
        }
      };
      const services = {
        dynamodb: {
          state: await probe(() => dynamo.client.send(new ListTablesCommand({ Limit: 1 }))),
        },
        stepFunctions: {
          state: await probe(() => sfnClient.send(new ListStateMachinesCommand({}))),
        },
        ses: {
          state: await probe(async () => {
            const r = await fetch(`${urls.ses}/store?since=${Math.floor(Date.now() / 1000)}`, {
              signal: AbortSignal.timeout(2000),
            });
            if (!r.ok) throw new Error(String(r.status));
          }),
        },
        gateway: { state: 'up' },
      };
      const ok = Object.values(services).every((s) => s.state === 'up');
      return {
        status: ok ? 'up' : 'down',
        timeScale: anchor.scale,
        now: new Date(clock.now()).toISOString(),
        services,
      };
    };

    const security = { publicBaseUrl: baseUrl, authDomain: issuer.domain };
    const extra = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
      if (url.pathname === '/health' && req.method === 'GET') {
        // Up or down per service, no addresses or ports (those are in the start-up log).
        const h = await health();
        await writeOwn(res, security, h.status === 'up' ? 200 : 503, 'application/json', JSON.stringify(h));
        return true;
      }
      if (await users.handleCognitoApi(req, res, url)) return true;
      return issuer.handle(req, res, url);
    };
    const gateway: Server = await startGateway({
      port: o.port,
      host: o.host,
      invokeHttp: (handler: RouteDef['handler'], event) =>
        invoke(o.root, `functions/http/${handler}.ts`, `stegvis-http-${handler}`, event),
      invokeAuthorizer: (event) =>
        invoke(o.root, 'functions/http/authorizer.ts', 'stegvis-authorizer', event) as Promise<{
          isAuthorized: boolean;
          context?: Record<string, unknown>;
        }>,
      extra,
      log: o.log,
      security,
    });
    stops.push(
      () =>
        new Promise<void>((r) => {
          gateway.close(() => r());
          gateway.closeAllConnections();
        }),
    );
    await sfn.ready;
    // The reconciler: every active case whose phase has no running execution (a crash between
    // storing a case and starting its run, a failed or stopped run) is continued from its record.
    // Records from before the console get their summary and index rows.
    const reindexed = await upkeep(
      'reindex',
      () => reindexPlacements(getDeps(), { onlyMissing: true }),
      o.log,
    );
    if (reindexed.updated) o.log('indexed placements', reindexed);
    const reconciled = await upkeep('reconcile', () => reconcile(getDeps(), { olderThanMs: 0 }), o.log);
    if (reconciled.continued || reconciled.failed) o.log('reconciled cases', reconciled);
    // Personal data past its retention period goes (AWS: a daily schedule); statistics stay.
    const retained = await upkeep('retention', () => applyRetention(getDeps()), o.log);
    if (retained.anonymised || retained.failed) o.log('applied retention', retained);
    return { urls, stop, clock, anchor };
  } catch (err) {
    await stop();
    throw err;
  }
}
