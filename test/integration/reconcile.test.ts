import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, DynamoCaseRepository } from '#adapters/dynamo-repository';
import { executionName } from '#core/case';
import {
  acceptReferral,
  caseJson,
  referralForm,
  submitReferral,
  virtualDay,
  waitForStep,
} from '#test/support/flows';
import { pollUntil, startTestHost, type TestHost } from '#test/support/host';
import { Session, USERS } from '#test/support/session';

/**
 * The reconciler: after a crash between storing a case and starting its run (what `kill -9`
 * mid-submission leaves behind), or after a run was stopped, the next start of the local host
 * continues every active case whose phase has no running execution.
 */
const ARN = 'arn:aws:states:eu-north-1:000000000000:execution:stegvis-placement';
let host: TestHost;
let anna: Session;
let karin: Session;

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const repoOf = (h: TestHost) =>
  new DynamoCaseRepository(
    createDocumentClient(new DynamoDBClient({ region: 'eu-north-1', endpoint: h.dynamoUrl, credentials })),
    'stegvis',
  );
const sfnOf = (h: TestHost) => new SFNClient({ region: 'eu-north-1', endpoint: h.sfnUrl, credentials });
const status = async (name: string) => {
  try {
    return (await sfnOf(host).send(new DescribeExecutionCommand({ executionArn: `${ARN}:${name}` }))).status;
  } catch (err) {
    if ((err as Error).name === 'ExecutionDoesNotExist') return 'NONE';
    throw err;
  }
};

beforeAll(async () => {
  host = await startTestHost({ timeScale: 1 });
  anna = await new Session(host.baseUrl).signIn(USERS.referrer);
  karin = await new Session(host.baseUrl).signIn(USERS.coordinator);
});
afterAll(async () => {
  await host?.stop();
});

describe('reconciler at start-up', () => {
  it('continues an orphaned case (stored, never started) and a stopped run after a restart', async () => {
    // A real referral, then a copy of its record under a new id with no execution: the state a
    // crash between the DynamoDB transaction and StartExecution leaves behind.
    const form = referralForm({ plannedStart: virtualDay(host, 7), plannedEnd: virtualDay(host, 200) });
    const original = await submitReferral(anna, form);
    await waitForStep(karin, original, 'intakeDecision');
    const repo = repoOf(host);
    const record = await repo.getCase(original);
    if (!record) throw new Error('no record');
    const orphanId = `orphan${original.slice(6)}`;
    const orphan = {
      ...record,
      caseId: orphanId,
      reference: `${record.reference}-O`,
      execution: { segment: 1, name: executionName(orphanId, 1), startedAt: record.createdAt },
      version: 1,
    };
    delete (orphan as { waiting?: unknown }).waiting;
    delete (orphan as { notifiedCoordinatorsAt?: unknown }).notifiedCoordinatorsAt;
    await repo.createCase(orphan, `orphan-submission-${orphanId}`);
    expect(await status(orphan.execution.name)).toBe('NONE');

    // A second case whose run was stopped while it waited.
    const stoppedId = await submitReferral(
      anna,
      referralForm({ plannedStart: virtualDay(host, 7), plannedEnd: virtualDay(host, 200) }),
    );
    await acceptReferral(karin, stoppedId);
    await waitForStep(karin, stoppedId, 'studyVisitProposal');
    await sfnOf(host).send(
      new StopExecutionCommand({
        executionArn: `${ARN}:${executionName(stoppedId, 1)}`,
        error: 'Test',
        cause: 'stopped by the test',
      }),
    );

    await host.restart();
    anna = await new Session(host.baseUrl).signIn(USERS.referrer);
    karin = await new Session(host.baseUrl).signIn(USERS.coordinator);

    await pollUntil('the orphan to run', async () =>
      (await status(executionName(orphanId, 1))) === 'RUNNING' ? true : undefined,
    );
    await waitForStep(karin, orphanId, 'intakeDecision');
    expect(host.output()).toContain('reconciled cases');
    // The stopped run continues under the next deterministic name, at the step it was on.
    await pollUntil('the next segment to run', async () =>
      (await status(executionName(stoppedId, 2))) === 'RUNNING' ? true : undefined,
    );
    await waitForStep(karin, stoppedId, 'studyVisitProposal');
    expect((await karin.get(`/cases/${orphanId}`)).status).toBe(200);
    // The case that was running all along is left alone.
    expect(await status(executionName(original, 1))).toBe('RUNNING');
    expect(await status(executionName(original, 2))).toBe('NONE');
    expect((await caseJson(karin, orphanId)).phase).toBe('intake');
  });
});
