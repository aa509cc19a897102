import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, DynamoCaseRepository } from '#adapters/dynamo-repository';
import { executionName } from '#core/case';
import { updateCase } from '#core/use-cases/update-case';
import {
  acceptedReferral,
  calendarOf,
  expectFieldErrors,
  pageText,
  proposeVisit,
  sentTo,
  virtualNow,
  waitForStep,
} from '#test/support/flows';
import { pollUntil, startTestHost, type TestHost } from '#test/support/host';
import { inbox, Session, type StoredMail, USERS } from '#test/support/session';

/**
 * The console's placement page and its actions over HTTP on the real local host: each action
 * confirmed on a page, done once per confirmation (a double submit does nothing more), written to
 * the audit log, and its effect seen on the run, the record and in the inbox.
 */
const ARN = 'arn:aws:states:eu-north-1:000000000000:execution:stegvis-placement';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
let host: TestHost;
let admin: Session;
let karin: Session;
let anna: Session;
let repo: DynamoCaseRepository;
let sfn: SFNClient;

interface Story {
  summary: { reference: string; phase: string };
  stuck: string[];
  current: string | null;
  marks: { visited: string[]; failed: string[]; traversed: [string, string][] };
  runs: { name: string; segment: number; status: string }[];
  timeline: { what: string; by: { name: string } | 'platform' }[];
  audit: { action: string; outcome: string; reason?: string; by: { name: string }; refusal?: string }[];
  actions: { action: string; allowed: boolean; unavailable?: string }[];
  workflowVersion: string | null;
  currentVersion: string | null;
}
const story = async (s: Session, caseId: string): Promise<Story> => {
  const r = await s.get(`/api/admin/placements/${caseId}`);
  expect(r.status).toBe(200);
  return (await r.json()) as Story;
};
const runStatus = async (name: string) => {
  try {
    return (await sfn.send(new DescribeExecutionCommand({ executionArn: `${ARN}:${name}` }))).status;
  } catch (err) {
    if ((err as Error).name === 'ExecutionDoesNotExist') return 'NONE';
    throw err;
  }
};
/** The confirmation page of an action; gives its form id. */
async function confirm(s: Session, caseId: string, action: string): Promise<string> {
  const r = await s.get(`/admin/placements/${caseId}/actions/${action}`);
  const page = await r.text();
  expect(r.status, pageText(page).slice(0, 300)).toBe(200);
  const m = /name="formId" value="([A-Za-z0-9_-]+)"/.exec(page);
  if (!m?.[1]) throw new Error('no form id');
  return m[1];
}
async function act(s: Session, caseId: string, action: string, fields: Record<string, string>) {
  return s.post(`/admin/placements/${caseId}/actions/${action}`, fields);
}
const mailCount = async (match: (m: StoredMail) => boolean) =>
  (await inbox(host.sesUrl)).filter(match).length;

beforeAll(async () => {
  host = await startTestHost({ timeScale: 1 });
  admin = await new Session(host.baseUrl).signIn(USERS.admin);
  karin = await new Session(host.baseUrl).signIn(USERS.coordinator);
  anna = await new Session(host.baseUrl).signIn(USERS.referrer);
  repo = new DynamoCaseRepository(
    createDocumentClient(new DynamoDBClient({ region: 'eu-north-1', endpoint: host.dynamoUrl, credentials })),
    'stegvis',
  );
  sfn = new SFNClient({ region: 'eu-north-1', endpoint: host.sfnUrl, credentials });
});
afterAll(async () => {
  await host?.stop();
});

describe('the placement page and its actions', () => {
  let caseId: string;

  it('shows where the placement stands: the current step in the graph, the timeline, no personal data', async () => {
    ({ caseId } = await acceptedReferral(host));
    let s = await story(admin, caseId);
    expect(s.current).toBe('AwaitStudyVisitProposal');
    await proposeVisit(host, karin, caseId, 3 * 86_400_000);
    await waitForStep(karin, caseId, 'studyVisitOutcome');
    s = await pollUntil('the run waits on the outcome', async () => {
      const x = await story(admin, caseId);
      return x.current === 'AwaitStudyVisitOutcome' ? x : undefined;
    });
    expect(s.marks.visited).toEqual(
      expect.arrayContaining(['LoadCase', 'AwaitStudyVisitProposal', 'SendInvitation']),
    );
    expect(s.marks.traversed).toContainEqual(['LoadCase', 'Route']);
    expect(s.marks.failed).toEqual([]);
    expect(s.stuck).toEqual([]);
    expect(s.currentVersion).toMatch(/^[0-9a-f]{12}$/);
    expect(s.workflowVersion).toBe(s.currentVersion);
    const whats = s.timeline.map((t) => t.what);
    expect(whats).toEqual(
      expect.arrayContaining(['record.referral', 'record.intake_accepted', 'run.started']),
    );
    expect(s.timeline.find((t) => t.what === 'record.intake_accepted')?.by).toEqual({
      name: 'Karin Praktikansvarig',
    });

    const page = await admin.get(`/admin/placements/${caseId}`);
    const html = await page.text();
    expect(page.status).toBe(200);
    // The drawing: server-rendered SVG with a text alternative; the current step marked.
    expect(html).toMatch(/<svg[^>]*role="img"/);
    expect(html).toMatch(
      /class="[^"]*wf-current[^"]*"[^>]*data-state="AwaitStudyVisitOutcome"|data-state="AwaitStudyVisitOutcome"[^>]*class="[^"]*wf-current/,
    );
    expect(pageText(html)).toContain('Väntar på utfall av studiebesök');
    // Nothing about the participant on the console's page beyond the reference.
    const record = await repo.getCase(caseId);
    expect(html).not.toContain(record?.participant.identityNumber ?? 'x');
    expect(html).not.toContain(record?.participant.name ?? 'x');
    expect(html).not.toContain(record?.participant.email ?? 'x');
    // A coordinator sees the page; a referrer does not.
    expect((await karin.get(`/admin/placements/${caseId}`)).status).toBe(200);
    expect((await anna.get(`/admin/placements/${caseId}`)).status).toBe(403);
  });

  it('sends the invitation again to everyone once per confirmation, same UID and SEQUENCE', async () => {
    const record = await repo.getCase(caseId);
    if (!record?.studyVisit) throw new Error('no visit');
    const participant = record.participant.email;
    const isInvite = (m: StoredMail) =>
      sentTo(m, participant) && (m.attachments ?? []).some((a) => /calendar/.test(a.contentType));
    await pollUntil('the first invitation', async () => (await mailCount(isInvite)) === 1 || undefined);
    const formId = await confirm(karin, caseId, 'resendInvitation');
    await expectFieldErrors(await act(karin, caseId, 'resendInvitation', { formId, meetingId: '' }), [
      'meetingId',
    ]);
    const ok = await act(karin, caseId, 'resendInvitation', {
      formId,
      meetingId: 'study-visit',
      reason: 'Deltagaren hittar inte inbjudan',
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`/admin/placements/${caseId}?done=resendInvitation&result=done`);
    const twice = await act(karin, caseId, 'resendInvitation', { formId, meetingId: 'study-visit' });
    expect(twice.headers.get('location')).toBe(
      `/admin/placements/${caseId}?done=resendInvitation&result=already`,
    );
    const copies = await pollUntil('the invitation again', async () => {
      const all = (await inbox(host.sesUrl)).filter(isInvite);
      return all.length >= 2 ? all : undefined;
    });
    const [a, b] = copies.map(calendarOf);
    expect(b?.uid).toBe(a?.uid);
    expect(b?.sequence).toBe(a?.sequence);
    // Once: a double submit sent nothing more.
    await new Promise((r) => setTimeout(r, 500));
    expect(await mailCount(isInvite)).toBe(2);
    const s = await story(admin, caseId);
    expect(s.audit[0]).toMatchObject({
      action: 'resendInvitation',
      outcome: 'done',
      by: { name: 'Karin Praktikansvarig' },
    });
    expect(s.audit.filter((e) => e.action === 'resendInvitation')).toHaveLength(1);
  });

  it('sends a reminder of the next step now', async () => {
    const record = await repo.getCase(caseId);
    const before = await mailCount(
      (m) => m.subject.startsWith('Påminnelse') && m.subject.includes(record?.reference ?? '?'),
    );
    const formId = await confirm(karin, caseId, 'remindNow');
    expect((await act(karin, caseId, 'remindNow', { formId })).status).toBe(303);
    await pollUntil(
      'the reminder',
      async () =>
        (await mailCount(
          (m) => m.subject.startsWith('Påminnelse') && m.subject.includes(record?.reference ?? '?'),
        )) ===
          before + 1 || undefined,
    );
  });

  it('stops the run with a reason, flags it, and continues it again', async () => {
    // Coordinators may not steer runs.
    expect((await karin.get(`/admin/placements/${caseId}/actions/stopRun`)).status).toBe(403);
    const formId = await confirm(admin, caseId, 'stopRun');
    await expectFieldErrors(await act(admin, caseId, 'stopRun', { formId, reason: '' }), ['reason']);
    const name = (await repo.getCase(caseId))?.execution.name ?? '';
    expect((await act(admin, caseId, 'stopRun', { formId, reason: 'Fel i inbjudan, utreds' })).status).toBe(
      303,
    );
    expect(await runStatus(name)).toBe('ABORTED');
    let s = await story(admin, caseId);
    expect(s.stuck).toContain('runStopped');
    expect(s.actions.find((a) => a.action === 'stopRun')?.unavailable).toBe('noRunningRun');
    expect(s.audit[0]).toMatchObject({
      action: 'stopRun',
      reason: 'Fel i inbjudan, utreds',
      by: { name: 'Ali Admin' },
    });
    const flagged = await admin.get('/api/admin/placements?flag=stuck');
    expect(
      ((await flagged.json()) as { placements: { caseId: string }[] }).placements.map((p) => p.caseId),
    ).toContain(caseId);
    // A coordinator's action on the case does not restart a stopped run.
    const cont = await confirm(admin, caseId, 'continueRun');
    expect((await act(admin, caseId, 'continueRun', { formId: cont })).status).toBe(303);
    const next = (await repo.getCase(caseId))?.execution;
    expect(next?.segment).toBe(2);
    expect(next?.stopped).toBeUndefined();
    await pollUntil(
      'the new run waits again',
      async () => (await story(admin, caseId)).current === 'AwaitStudyVisitOutcome' || undefined,
    );
    s = await story(admin, caseId);
    expect(s.stuck).toEqual([]);
    expect(s.runs.map((r) => r.status)).toEqual(['ABORTED', 'RUNNING']);
  });

  it('moves a case onto the current workflow version, and refuses when it is on it already', async () => {
    const formId = await confirm(admin, caseId, 'moveToCurrentVersion');
    const refused = await act(admin, caseId, 'moveToCurrentVersion', { formId });
    expect(refused.status).toBe(409);
    expect(pageText(await refused.text())).toContain('ärendet går redan på den senaste versionen');
    // As if the run had started on an older definition.
    await updateCase(repo, caseId, virtualNow(host), (c) => {
      c.execution.workflowVersion = '000000000000';
      return c;
    });
    const s0 = await story(admin, caseId);
    expect(s0.actions.find((a) => a.action === 'moveToCurrentVersion')?.unavailable).toBeUndefined();
    const again = await confirm(admin, caseId, 'moveToCurrentVersion');
    expect((await act(admin, caseId, 'moveToCurrentVersion', { formId: again })).status).toBe(303);
    await pollUntil('the run on the current version', async () => {
      const s = await story(admin, caseId);
      return s.workflowVersion === s.currentVersion && s.current === 'AwaitStudyVisitOutcome' ? s : undefined;
    });
    expect((await repo.getCase(caseId))?.execution.segment).toBe(3);
  });

  it('redrives a failed run', async () => {
    const { caseId: id } = await acceptedReferral(host);
    const c = await repo.getCase(id);
    if (!c) throw new Error('no case');
    // A run that fails for good: its own id is one the tasks refuse, so even the failure cannot be recorded.
    await sfn.send(new StopExecutionCommand({ executionArn: `${ARN}:${c.execution.name}` }));
    const failing = executionName(id, 2);
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: 'arn:aws:states:eu-north-1:000000000000:stateMachine:stegvis-placement',
        name: failing,
        input: JSON.stringify({ caseId: 'NOT-A-CASE' }),
      }),
    );
    await updateCase(repo, id, virtualNow(host), (x) => {
      x.execution = { ...x.execution, segment: 2, name: failing };
      return x;
    });
    await pollUntil(
      'the run failed',
      async () => (await runStatus(failing)) === 'FAILED' || undefined,
      120_000,
    );
    let s = await story(admin, id);
    expect(s.stuck).toContain('noExecution');
    expect(s.marks.failed.length).toBeGreaterThan(0);
    expect(s.actions.find((a) => a.action === 'continueRun')?.unavailable).toBe('useRedrive');
    const formId = await confirm(admin, id, 'redriveRun');
    expect((await act(admin, id, 'redriveRun', { formId })).status).toBe(303);
    await pollUntil(
      'the redriven run waits',
      async () => (await story(admin, id)).current === 'AwaitStudyVisitProposal' || undefined,
    );
    s = await story(admin, id);
    expect(s.stuck).toEqual([]);
    expect(s.runs.at(-1)).toMatchObject({ segment: 3, status: 'RUNNING' });
  });

  it('closes a case administratively: the meeting cancelled for everyone, the run stopped, the place given back', async () => {
    const record = await repo.getCase(caseId);
    if (!record) throw new Error('no case');
    const formId = await confirm(admin, caseId, 'closeAdministratively');
    await expectFieldErrors(await act(admin, caseId, 'closeAdministratively', { formId, reason: 'x' }), [
      'reason',
    ]);
    expect(
      (await act(admin, caseId, 'closeAdministratively', { formId, reason: 'Dubblett av ett annat ärende' }))
        .status,
    ).toBe(303);
    const after = await repo.getCase(caseId);
    expect(after).toMatchObject({
      status: 'closed',
      closure: { category: 'closedAdministratively', reason: 'Dubblett av ett annat ärende' },
    });
    expect(after?.place?.releasedAt).toBeDefined();
    expect(await runStatus(after?.execution.name ?? '')).toBe('ABORTED');
    const cancel = await pollUntil('the CANCEL', async () =>
      (await inbox(host.sesUrl)).find(
        (m) =>
          sentTo(m, record.participant.email) &&
          (m.attachments ?? []).some((a) => /calendar|ics/.test(a.contentType)) &&
          calendarOf(m).method === 'CANCEL',
      ),
    );
    expect(calendarOf(cancel).method).toBe('CANCEL');
    const s = await story(admin, caseId);
    expect(s.actions.filter((a) => !a.unavailable).map((a) => a.action)).toEqual([]);
    expect(s.timeline[0]?.what).toMatch(
      /^(audit\.closeAdministratively|record\.closed_closedAdministratively|run\.ended_ABORTED)$/,
    );
  });

  it('keeps the audit log as a whole for admins only', async () => {
    const page = await admin.get('/admin/audit');
    expect(page.status).toBe(200);
    const text = pageText(await page.text());
    for (const words of [
      'Skicka inbjudan igen',
      'Stoppa körningen',
      'Avsluta administrativt',
      'Dubblett av ett annat ärende',
      'Ali Admin',
    ])
      expect(text).toContain(words);
    expect((await karin.get('/admin/audit')).status).toBe(403);
  });
});
