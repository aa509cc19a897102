#!/usr/bin/env node
/**
 * `pretest` (npm runs it before `npm test`) and .ci/run: makes sure the system programs the tests
 * need are installed, so that a fresh machine passes `npm test`:
 *
 * - Java (DynamoDB Local, started by the integration and e2e tests' local host);
 * - Debian's Chromium at /usr/bin/chromium (the browser tests drive it with playwright-core).
 *
 * When both are there it only looks at the file system (no process is started). When one is
 * missing it installs it from Debian as root, and otherwise stops with the command to run.
 * Plain Node with built-ins only: it also runs before `npm install`.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const CHROMIUM = '/usr/bin/chromium';

const executable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Like `command -v name`. */
const onPath = (name) =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => dir && executable(join(dir, name)));

/** Debian packages of what is missing. */
function missing() {
  const packages = [];
  if (!onPath('java')) packages.push('openjdk-17-jre-headless');
  if (!executable(CHROMIUM)) packages.push('chromium');
  return packages;
}

const packages = missing();
if (packages.length === 0) process.exit(0);

const install = `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${packages.join(' ')}`;
const why = packages.map((p) =>
  p === 'chromium' ? `Chromium (${CHROMIUM}, browser tests)` : 'Java (DynamoDB Local)',
);

if (process.getuid?.() !== 0) {
  process.stderr.write(
    `The tests need ${why.join(' and ')}, which ${packages.length > 1 ? 'are' : 'is'} not installed. Install with:\n\n` +
      `  sudo sh -c '${install}'\n\n` +
      'then run the tests again (`npm run test:unit` needs neither).\n',
  );
  process.exit(1);
}

process.stdout.write(`tests: installing ${packages.join(', ')} (${why.join(', ')})\n`);
const r = spawnSync('sh', ['-c', install], { stdio: ['ignore', 'ignore', 'inherit'] });
const still = missing();
if (r.status !== 0 || still.length > 0) {
  process.stderr.write(
    `tests: installing ${packages.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}); ` +
      `still missing: ${still.join(', ') || 'none'}. The command was:\n  ${install}\n`,
  );
  process.exit(1);
}
