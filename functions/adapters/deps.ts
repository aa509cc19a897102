import { randomBytes } from 'node:crypto';
import { SFNClient } from '@aws-sdk/client-sfn';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { type Clock, scaledClock, systemClock } from '#core/clock';
import type { Deps } from '#core/ports';
import { type Config, loadConfig } from './config.ts';
import { createDocumentClient, DynamoCaseRepository } from './dynamo-repository.ts';
import { createMailPort } from './mail-port.ts';
import { createSesClient, createSesMailer } from './mailer.ts';
import { SfnWorkflow } from './sfn-workflow.ts';

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

let cached: Deps | undefined;

/** The domain's dependencies, built once per cold start from the configuration. */
export function getDeps(): Deps {
  if (cached) return cached;
  const config = loadConfig();
  const clock = clockFromConfig(config);
  const repo = new DynamoCaseRepository(createDocumentClient(), config.TABLE_NAME, () =>
    Math.floor(clock.now() / 1000),
  );
  const sfn = new SFNClient({
    maxAttempts: 3,
    requestHandler: new NodeHttpHandler({ requestTimeout: 10_000, connectionTimeout: 2_000 }),
  });
  const mailer = createSesMailer({
    client: createSesClient(),
    from: config.MAIL_FROM,
    configurationSet: config.SES_CONFIGURATION_SET || undefined,
    now: () => new Date(clock.now()),
  });
  cached = {
    repo,
    workflow: new SfnWorkflow(sfn, config.PLACEMENT_STATE_MACHINE_ARN),
    mail: createMailPort(mailer, clock),
    clock,
    baseUrl: config.PUBLIC_BASE_URL.replace(/\/$/, ''),
    newId: newCaseId,
  };
  return cached;
}

/** For the local host and tests that rebuild the environment. */
export function resetDeps() {
  cached = undefined;
}
