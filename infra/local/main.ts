import { join } from 'node:path';
import { optionsFromEnv, startLocalHost } from './host.ts';
import { HostStartError, stopStaleDynamoDb } from './services.ts';

// Lambda's runtime is current; this machine's Node 20 only runs the local host.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** `npm start`: the whole platform on this machine. Ctrl-C stops every part. */
async function main() {
  const options = optionsFromEnv();
  // A process that starts the host for itself (the tests) sets this and keeps our stdin open: when
  // that process dies, however it dies, stdin ends and the host stops instead of running on.
  let parentGone = false;
  let onParentGone = () => {
    parentGone = true;
  };
  if (process.env.STEGVIS_STOP_ON_STDIN_END === '1') {
    process.stdin.on('end', () => onParentGone());
    process.stdin.on('error', () => onParentGone());
    process.stdin.resume();
  }
  // Before the port checks: a host killed with `kill -9` leaves its DynamoDB Local running on this
  // data, holding the port.
  const stale = await stopStaleDynamoDb(join(options.dataDir, 'dynamodb'));
  if (stale !== undefined)
    options.log('stopped a DynamoDB Local left running by an earlier host', { pid: stale });
  const host = await startLocalHost(options);
  const lines = [
    '',
    'Stegvis is running locally.',
    `  App (sign in as a seeded user):  ${host.urls.app}`,
    `  Local inbox (all sent e-mail):   ${host.urls.inbox}`,
    `  Health:                          ${host.urls.app}/health`,
    `  DynamoDB Local:                  ${host.urls.dynamodb}`,
    `  Step Functions (local):          ${host.urls.stepFunctions}`,
    `  Data:                            ${options.dataDir}`,
    ...(host.anchor.scale !== 1 ? [`  Time runs ${host.anchor.scale}x faster (STEGVIS_TIME_SCALE).`] : []),
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  options.log('ready', { url: host.urls.app });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    options.log('stopping', { signal });
    await host.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  onParentGone = () => void shutdown('stdin ended');
  if (parentGone) onParentGone();
}

main().catch((err: Error) => {
  if (err instanceof HostStartError || err.name === 'HostStartError')
    process.stderr.write(`stegvis: ${err.message}\n`);
  else process.stderr.write(`stegvis: could not start: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
