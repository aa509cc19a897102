import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { build } from 'esbuild';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createSfnClient, lazySesMailer, lazySfnWorkflow, SFN_TIMEOUTS } from '#adapters/deps';
import { createDocumentClient } from '#adapters/dynamo-repository';
import { createSesClient, SES_TIMEOUTS } from '#adapters/mailer';
import { ROOT } from '#test/support/host';
import { ESBUILD_TARGET } from '../../infra/cdk/constructs/function.ts';

/**
 * The SDK clients of the functions give up on a service that does not answer (a request timeout
 * that only logs a warning would leave the Lambda hanging until its own timeout), and a function
 * loads only the SDK clients it uses.
 */

const SHORT = { requestTimeout: 300, connectionTimeout: 300 };

/** An HTTP server that accepts every request and never answers it; counts the requests. */
async function hangingServer() {
  let requests = 0;
  const server = createServer(() => {
    requests++;
  });
  const url = await listen(server);
  return { url, server, requests: () => requests };
}

/** An HTTP server that refuses every request at once, as an AWS service refuses a bad request. */
function refusingServer() {
  return createServer((_req, res) => {
    res.writeHead(400, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-errortype': 'ValidationException',
    });
    res.end('{"__type":"ValidationException","message":"no"}');
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

const servers: Server[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

function stubAws(endpoint: string) {
  vi.stubEnv('AWS_REGION', 'eu-north-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  vi.stubEnv('AWS_SESSION_TOKEN', undefined);
  for (const service of ['DYNAMODB', 'SFN', 'SESV2']) vi.stubEnv(`AWS_ENDPOINT_URL_${service}`, endpoint);
}

/**
 * Every attempt waits out the request timeout, then the SDK retries after a backoff (at most
 * 100 ms × 2^attempt before the next one); the whole call must end within that.
 */
async function expectTimesOut(call: () => Promise<unknown>, maxAttempts: number) {
  const { url, server, requests } = await hangingServer();
  servers.push(server);
  stubAws(url);
  const started = Date.now();
  const error = await call().then(
    () => undefined,
    (err: unknown) => err as Error,
  );
  const elapsed = Date.now() - started;
  expect(error?.name).toBe('TimeoutError');
  expect(requests()).toBe(maxAttempts);
  let bound = 1_000;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) bound += SHORT.requestTimeout + 100 * 2 ** attempt;
  expect(elapsed).toBeGreaterThanOrEqual(SHORT.requestTimeout * maxAttempts);
  expect(elapsed).toBeLessThan(bound);
}

describe('SDK clients against a service that never answers', () => {
  it('SES: sending fails with a timeout', async () => {
    const mailer = lazySesMailer({ from: 'Stegvis <no-reply@stegvis.local>', timeouts: SHORT });
    await expectTimesOut(() => mailer.send({ to: ['deltagare@example.se'], subject: 'Hej', text: 'x' }), 3);
  });

  it('Step Functions: a call fails with a timeout', async () => {
    const workflow = lazySfnWorkflow('arn:aws:states:eu-north-1:000000000000:stateMachine:stegvis-x', SHORT);
    await expectTimesOut(() => workflow.listExecutions({ limit: 1 }), 3);
  });

  it('DynamoDB: a call fails with a timeout', async () => {
    await expectTimesOut(
      () => createDocumentClient(undefined, SHORT).send(new GetCommand({ TableName: 't', Key: { pk: 'a' } })),
      4,
    );
  });
});

describe('the production clients', () => {
  const handlerConfig = async (
    client: { config: { requestHandler: unknown } },
    call: () => Promise<unknown>,
  ) => {
    const server = refusingServer();
    servers.push(server);
    stubAws(await listen(server));
    await call().catch(() => undefined);
    const handler = client.config.requestHandler;
    // The SDK built it from the plain options: the SDK's own NodeHttpHandler, the only copy.
    if (!(handler instanceof NodeHttpHandler)) throw new Error('expected the SDK to build a NodeHttpHandler');
    return handler.httpHandlerConfigs();
  };

  it('throw on request timeouts, with their timeouts', async () => {
    const ses = createSesClient();
    const email = new SendEmailCommand({ FromEmailAddress: 'a@stegvis.local', Content: {} });
    expect(await handlerConfig(ses, () => ses.send(email))).toMatchObject({
      ...SES_TIMEOUTS,
      throwOnRequestTimeout: true,
    });

    const sfn = await createSfnClient();
    expect(await handlerConfig(sfn, () => sfn.send(new ListExecutionsCommand({})))).toMatchObject({
      ...SFN_TIMEOUTS,
      throwOnRequestTimeout: true,
    });

    const doc = createDocumentClient();
    expect(
      await handlerConfig(doc, () => doc.send(new GetCommand({ TableName: 't', Key: { pk: 'a' } }))),
    ).toMatchObject({ requestTimeout: 5_000, connectionTimeout: 2_000, throwOnRequestTimeout: true });
  });
});

/**
 * Bundled as infra/cdk/constructs/function.ts has the CDK bundle a Lambda (single-file ESM, the
 * runtime's @aws-sdk/* external), each function loads only DynamoDB when it starts; Step Functions
 * and SES load on their first call. esbuild keeps a dynamic `import()` of an external package as
 * it is, but hoists a static import of one to the top of the bundle: this checks that none of the
 * modules the functions reach imports the SFN or SES client statically.
 */
describe('Lambda bundles', () => {
  mkdirSync(join(ROOT, '.test-results'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, '.test-results', 'lazy-sdk-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Run in a fresh Node process: which SDK clients are loaded after each step. */
  const PROBE = `
    import { createRequire } from 'node:module';
    const require = createRequire(process.argv[1]);
    // The SDK clients are CommonJS packages (no "exports", "main" is dist-cjs): Node loads them,
    // and all their files, through require.cache, also when an ES module imports them.
    const clients = () => [...new Set(Object.keys(require.cache)
      .map((f) => /node_modules\\/@aws-sdk\\/(client-[^/]+)\\//.exec(f)?.[1]).filter(Boolean))].sort();
    const bundle = await import(process.argv[1]);
    const atImport = clients();
    const deps = bundle.getDeps();
    await deps.workflow.listExecutions({ limit: 1 }).catch(() => {});
    const afterWorkflow = clients();
    const mailError = await deps.mail.send({ to: ['a@example.se'], subject: 's', text: 't' }).then(
      () => 'none',
      (err) => err.name,
    );
    const afterMail = clients();
    process.stdout.write(JSON.stringify({ handler: typeof bundle.handler, atImport, afterWorkflow, afterMail, mailError }));
  `;

  it.each(['functions/http/admin.ts', 'functions/tasks/send-invitation.ts'])(
    '%s loads DynamoDB at cold start, Step Functions and SES only on first use',
    async (entry) => {
      const name = entry.replace(/\W+/g, '-');
      const source = join(dir, `${name}.ts`);
      // The function itself, plus getDeps to drive the lazy ports from outside.
      writeFileSync(
        source,
        [
          `export * from ${JSON.stringify(join(ROOT, entry))};`,
          `export { getDeps } from ${JSON.stringify(join(ROOT, 'functions/adapters/deps.ts'))};`,
        ].join('\n'),
      );
      const outfile = join(dir, `${name}.mjs`);
      const result = await build({
        absWorkingDir: ROOT,
        entryPoints: [source],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: ESBUILD_TARGET,
        minify: true,
        keepNames: true,
        mainFields: ['module', 'main'],
        banner: {
          js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        },
        external: ['@aws-sdk/*'],
        metafile: true,
        logLevel: 'silent',
      });
      const inputs = Object.values(result.metafile.outputs)[0]?.inputs ?? {};
      // No copy of the SDK's HTTP handler beside the runtime's.
      expect(Object.keys(inputs).filter((f) => f.includes('node-http-handler'))).toEqual([]);

      const server = refusingServer();
      servers.push(server);
      const endpoint = await listen(server);
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--input-type=module', '-e', PROBE, outfile],
        {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH ?? '',
            AWS_REGION: 'eu-north-1',
            AWS_ACCESS_KEY_ID: 'local',
            AWS_SECRET_ACCESS_KEY: 'local',
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
            AWS_ENDPOINT_URL_DYNAMODB: endpoint,
            AWS_ENDPOINT_URL_SFN: endpoint,
            AWS_ENDPOINT_URL_SESV2: endpoint,
            TABLE_NAME: 'stegvis',
            PLACEMENT_STATE_MACHINE_ARN:
              'arn:aws:states:eu-north-1:000000000000:stateMachine:stegvis-placement',
            MAIL_FROM: 'Stegvis <no-reply@stegvis.local>',
            PUBLIC_BASE_URL: 'http://localhost:3000',
            AUTH_ISSUER: 'http://localhost:3000/local-auth',
            AUTH_JWKS_URI: 'http://localhost:3000/local-auth/jwks.json',
            AUTH_CLIENT_ID: 'stegvis',
            AUTH_DOMAIN: 'http://localhost:3000/local-auth',
          },
        },
      );
      expect(JSON.parse(stdout)).toEqual({
        handler: 'function',
        atImport: ['client-dynamodb'],
        afterWorkflow: ['client-dynamodb', 'client-sfn'],
        afterMail: ['client-dynamodb', 'client-sesv2', 'client-sfn'],
        // The lazily built MailPort still names a failed send as the workflow's Retry/Catch match
        // it: SES's 400 (a request refused for good) fails the step at once, no retries.
        mailError: 'MailRejectedError',
      });
    },
  );
});
