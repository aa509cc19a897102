import { optionsFromEnv, startLocalHost } from './host.ts';
import { HostStartError } from './services.ts';

// Lambda's runtime is current; this machine's Node 20 only runs the local host.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** `npm start`: the whole platform on this machine. Ctrl-C stops every part. */
async function main() {
  const options = optionsFromEnv();
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
}

main().catch((err: Error) => {
  if (err instanceof HostStartError || err.name === 'HostStartError')
    process.stderr.write(`stegvis: ${err.message}\n`);
  else process.stderr.write(`stegvis: could not start: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
