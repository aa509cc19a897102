import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import ICAL from 'ical.js';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptForm, ESF_ENTRY, pageText } from '#test/support/flows';
import { pollUntil, startTestHost, type TestHost } from '#test/support/host';
import { inbox, Session, type StoredMail, USERS } from '#test/support/session';

/**
 * The first slice, driven over HTTP against the real local host (`npm start`): referral →
 * the coordinator accepts it (intake, with the ESF+ entry figures) → study-visit invitation in
 * the local inbox → restart while the step waits → outcome recorded after the restart → case
 * closed. Every action is done or refused: the same values twice are harmless, a different
 * action on a step already done is refused with nothing saved.
 */
const NOTHING_SAVED = 'Inget sparades';
let host: TestHost;
/** The pages of the refusals (409) met on the way: each should say that nothing was saved. */
const refusals: { what: string; text: string }[] = [];

const referral = (submissionId: string) => ({
  submissionId,
  participantName: 'Sara Hemlig',
  identityNumber: '19811218-9876',
  email: 'sara.deltagare@example.se',
  phone: '070-123 45 67',
  gender: 'woman',
  placementAgreementRef: 'PÖ-2026-17',
  unitId: 'remake',
  adaptationNeeds: 'Utmattningssyndrom: behöver korta pass',
  languageSupport: 'yes',
  language: 'arabiska',
  plannedStart: futureDate(10),
  plannedEnd: futureDate(200),
});

function futureDate(days: number) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

const sfn = () =>
  new SFNClient({
    region: 'eu-north-1',
    endpoint: host.sfnUrl,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
const executionArn = (caseId: string) =>
  `arn:aws:states:eu-north-1:000000000000:execution:stegvis-placement:case-${caseId}-1`;

async function caseJson(s: Session, caseId: string) {
  const r = await s.get(`/api/cases/${caseId}`);
  expect(r.status).toBe(200);
  return (await r.json()) as {
    phase: string;
    status: string;
    waitingFor: string | null;
    reference: string;
    place: { assignedAt?: string; queuedAt?: string } | null;
  };
}

beforeAll(async () => {
  host = await startTestHost();
});

afterAll(async () => {
  await host?.stop();
});

describe('the local host', () => {
  it('reports every local service in /health, naming no address', async () => {
    const r = await fetch(`${host.baseUrl}/health`);
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(text).not.toMatch(/https?:|localhost|127\.0\.0\.1|url/i);
    for (const u of [host.baseUrl, host.sesUrl, host.sfnUrl, host.dynamoUrl])
      expect(text).not.toContain(new URL(u).port);
    const h = JSON.parse(text) as { status: string; services: Record<string, { state: string }> };
    expect(h.status).toBe('up');
    expect(Object.keys(h.services).sort()).toEqual(['dynamodb', 'gateway', 'ses', 'stepFunctions']);
    for (const s of Object.values(h.services)) expect(s.state).toBe('up');
  });

  it('redirects pages to sign-in and answers the API with 401 without a session', async () => {
    const page = await fetch(`${host.baseUrl}/referrals/new`, { redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/auth/login?returnTo=%2Freferrals%2Fnew');
    const api = await fetch(`${host.baseUrl}/api/referrals`);
    expect(api.status).toBe(401);
  });

  it('answers 403 for a signed-in user with the wrong role', async () => {
    const supervisor = await new Session(host.baseUrl).signIn(USERS.supervisor);
    expect((await supervisor.get('/referrals/new')).status).toBe(403);
    expect((await supervisor.get('/api/admin/runs')).status).toBe(403);
    const referrer = await new Session(host.baseUrl).signIn(USERS.referrer);
    expect((await referrer.get('/admin/runs')).status).toBe(403);
  });

  it('refuses a form post from another site', async () => {
    const referrer = await new Session(host.baseUrl).signIn(USERS.referrer);
    const r = await referrer.request('/referrals', {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
      form: { submissionId: 'cross-site-0000000001' },
    });
    expect(r.status).toBe(403);
    const same = await referrer.request('/referrals', {
      method: 'POST',
      headers: { origin: host.baseUrl },
      form: { submissionId: 'same-site-00000000001' },
    });
    expect(same.status).toBe(400); // reaches validation
  });

  it('rejects a forged session cookie', async () => {
    const r = await fetch(`${host.baseUrl}/api/referrals`, {
      headers: { cookie: 'stegvis_session=eyJhbGciOiJSUzI1NiIsImtpZCI6IngifQ.eyJzdWIiOiJ4In0.c2ln' },
    });
    expect(r.status).toBe(401);
  });
});

describe('referral → study visit → restart → outcome', () => {
  let caseId = '';
  const referrer = () => new Session(host.baseUrl).signIn(USERS.referrer);

  it('keeps what was typed and answers field by field on bad input', async () => {
    const s = await referrer();
    const r = await s.post('/referrals', {
      ...referral('0f8fad5b-d9cb-469f-a165-bad000000001'),
      identityNumber: '811218-9875',
    });
    expect(r.status).toBe(400);
    const html = await r.text();
    expect(html).toContain('id="identityNumber-error"');
    expect(html).toContain('Kontrollsiffran stämmer inte');
    expect(html).toContain('value="Sara Hemlig"');
    expect(html).toContain('value="811218-9875"');
    const list = (await (await s.get('/api/referrals')).json()) as { referrals: unknown[] };
    expect(list.referrals).toHaveLength(0);
  });

  it('stores one case and starts one execution for a submission sent twice', async () => {
    const s = await referrer();
    const form = referral('0f8fad5b-d9cb-469f-a165-70867728950e');
    const [a, b] = await Promise.all([s.post('/referrals', form), s.post('/referrals', form)]);
    expect(a.status).toBe(303);
    expect(b.status).toBe(303);
    expect(a.headers.get('location')).toBe(b.headers.get('location'));
    caseId = /\/cases\/([a-z0-9]+)/.exec(a.headers.get('location') ?? '')?.[1] ?? '';
    expect(caseId).not.toBe('');
    const list = (await (await s.get('/api/referrals')).json()) as { referrals: { caseId: string }[] };
    expect(list.referrals.map((x) => x.caseId)).toEqual([caseId]);
    const run = await sfn().send(new DescribeExecutionCommand({ executionArn: executionArn(caseId) }));
    expect(run.status).toBe('RUNNING');
    expect(JSON.parse(run.input ?? '{}')).toEqual({ caseId });
  });

  it('shows the case to its own organisation only', async () => {
    const other = await new Session(host.baseUrl).signIn(USERS.otherReferrer);
    expect((await other.get(`/cases/${caseId}`)).status).toBe(404);
    expect((await other.get(`/api/cases/${caseId}`)).status).toBe(404);
    const list = (await (await other.get('/api/referrals')).json()) as { referrals: unknown[] };
    expect(list.referrals).toHaveLength(0);
    const own = await referrer();
    expect((await own.get(`/cases/${caseId}`)).status).toBe(200);
  });

  it('tells the coordinator, who must accept the referral before anything else', async () => {
    const coordinator = await new Session(host.baseUrl).signIn(USERS.coordinator);
    await pollUntil('workflow waiting for the intake decision', async () =>
      (await caseJson(coordinator, caseId)).waitingFor === 'intakeDecision' ? true : undefined,
    );
    const notice = await pollUntil('the new-referral notice to the coordinator', async () =>
      (await inbox(host.sesUrl)).find((m) => m.subject.startsWith('Ny anvisning')),
    );
    expect(notice.destination.to.join(',')).toContain('karin.praktikansvarig@stadsmissionen.example');
    expect(notice.body.text).toContain(`/cases/${caseId}`);
    expect(`${notice.subject} ${notice.body.text}`).not.toMatch(/Sara|Hemlig|811218/);

    // The study visit cannot be proposed before the referral is accepted: refused, nothing saved.
    const early = await coordinator.post(`/cases/${caseId}/study-visit`, {
      date: futureDate(7),
      startTime: '10:00',
      endTime: '11:30',
      location: 'REMAKE, Norra Grängesbergsgatan, Malmö',
    });
    expect(early.status).toBe(409);
    refusals.push({ what: 'a study visit proposed before intake', text: pageText(await early.text()) });
    expect((await caseJson(coordinator, caseId)).waitingFor).toBe('intakeDecision');

    // Acceptance needs the four ESF+ entry figures; declining needs a reason.
    const noFigures = await coordinator.post(`/cases/${caseId}/intake`, { decision: 'accepted' });
    expect(noFigures.status).toBe(400);
    const noFiguresHtml = await noFigures.text();
    for (const field of Object.keys(ESF_ENTRY))
      expect(noFiguresHtml).toContain(`id="decideIntake-${field}-error"`);
    const noReason = await coordinator.post(`/cases/${caseId}/intake`, { decision: 'declined', reason: ' ' });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain('id="decideIntake-reason-error"');
    expect((await caseJson(coordinator, caseId)).phase).toBe('intake');

    const accepted = await coordinator.post(`/cases/${caseId}/intake`, acceptForm());
    expect(accepted.status).toBe(303);
    expect(accepted.headers.get('location')).toBe(`/cases/${caseId}?done=decideIntake`);
    const c = await caseJson(coordinator, caseId);
    expect(c.place?.assignedAt).toBeTruthy(); // REMAKE has free places
    await pollUntil('workflow waiting for a proposal', async () =>
      (await caseJson(coordinator, caseId)).waitingFor === 'studyVisitProposal' ? true : undefined,
    );
  });

  it('takes the same decision posted twice as one, and refuses a different one with nothing saved', async () => {
    const coordinator = await new Session(host.baseUrl).signIn(USERS.coordinator);
    const before = await caseJson(coordinator, caseId);
    // A double click, a second tab: the same values again are harmless.
    const same = await coordinator.post(`/cases/${caseId}/intake`, acceptForm());
    expect(same.status).toBe(303);
    expect(same.headers.get('location')).toBe(`/cases/${caseId}?done=decideIntake`);
    // A different decision on the step already done is refused, and says nothing was saved.
    const other = await coordinator.post(`/cases/${caseId}/intake`, {
      decision: 'declined',
      reason: 'Ingen plats på REMAKE just nu',
    });
    expect(other.status).toBe(409);
    refusals.push({ what: 'a decline after the acceptance', text: pageText(await other.text()) });
    const after = await caseJson(coordinator, caseId);
    expect(after.phase).toBe(before.phase);
    expect(after.status).toBe('active');
    expect(after.place).toEqual(before.place);
    const referrerPage = await (await (await referrer()).get(`/cases/${caseId}`)).text();
    expect(referrerPage).not.toContain('Ingen plats på REMAKE just nu');
  });

  it('e-mails a calendar invitation when the coordinator proposes a study visit', async () => {
    const coordinator = await new Session(host.baseUrl).signIn(USERS.coordinator);
    await pollUntil('workflow waiting for a proposal', async () =>
      (await caseJson(coordinator, caseId)).waitingFor === 'studyVisitProposal' ? true : undefined,
    );
    const bad = await coordinator.post(`/cases/${caseId}/study-visit`, {
      date: futureDate(5),
      startTime: '11:00',
      endTime: '10:00',
      location: '',
    });
    expect(bad.status).toBe(400);
    const visitDate = futureDate(7);
    const ok = await coordinator.post(`/cases/${caseId}/study-visit`, {
      date: visitDate,
      startTime: '10:00',
      endTime: '11:30',
      location: 'REMAKE, Norra Grängesbergsgatan, Malmö',
    });
    expect(ok.status).toBe(303);

    const mail = await pollUntil('the invitation in the local inbox', async () =>
      (await inbox(host.sesUrl)).find((m: StoredMail) => /studiebesök/i.test(m.subject)),
    );
    // The participant's own copy (with their link) and the case officer's, the same event.
    expect(mail.destination.to.join(',')).toBe('sara.deltagare@example.se');
    const officerCopy = await pollUntil('the case officer’s copy', async () =>
      (await inbox(host.sesUrl)).find(
        (m: StoredMail) =>
          /^Studiebesök .*: SV-/.test(m.subject) &&
          m.destination.to.join(',').includes('anna.handlaggare@malmo.example'),
      ),
    );
    expect(officerCopy.destination.to.join(',')).not.toContain('sara.deltagare');

    // The whole message through a real MIME parser, then its calendar part through ical.js.
    const eml = await fetch(`${host.sesUrl}/get-emlContent?messageId=${mail.messageId}`);
    const { body } = (await eml.json()) as { body: { type: 'Buffer'; data: number[] } };
    const source = Buffer.from(body.data).toString('utf8');
    const parsed = await simpleParser(source);
    // Plain language in two parts, the subject saying what and when and where.
    expect(parsed.subject).toMatch(/^Studiebesök \p{L}+ \d+ \p{L}+ kl\. 10\.00 på REMAKE/u);
    expect(parsed.text).toContain('Välkommen på studiebesök på REMAKE');
    expect(parsed.html).toContain('<html lang="sv">');
    expect(parsed.html).toContain('Välkommen på studiebesök på REMAKE');
    const everything = `${parsed.subject} ${parsed.text} ${parsed.html || ''}`;
    for (const secret of ['198112189876', '811218', 'Sara Hemlig', 'Utmattningssyndrom', 'arabiska'])
      expect(everything).not.toContain(secret);
    const ics = (mail.attachments ?? []).find((a) => /calendar|ics/.test(a.contentType));
    expect(ics).toBeDefined();
    const icsText = Buffer.from(ics?.content ?? '', 'base64').toString('utf8');
    for (const secret of ['198112189876', 'Sara Hemlig', 'Utmattningssyndrom'])
      expect(icsText).not.toContain(secret);
    const cal = new ICAL.Component(ICAL.parse(icsText));
    expect(cal.getFirstPropertyValue('method')).toBe('REQUEST');
    const vtz = cal.getFirstSubcomponent('vtimezone');
    const vevent = cal.getFirstSubcomponent('vevent');
    if (!vtz || !vevent) throw new Error('VTIMEZONE and VEVENT expected');
    expect(vtz.getFirstPropertyValue('tzid')).toBe('Europe/Stockholm');
    ICAL.TimezoneService.register(vtz);
    const dtstart = vevent.getFirstPropertyValue('dtstart') as ICAL.Time;
    const startUtc = dtstart.toJSDate().toISOString();
    const stockholmHour = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Europe/Stockholm',
      hour: '2-digit',
      minute: '2-digit',
    }).format(new Date(startUtc));
    expect(stockholmHour).toBe('10:00');
    expect(String(vevent.getFirstPropertyValue('organizer')).toLowerCase()).toBe(
      'mailto:karin.praktikansvarig@stadsmissionen.example',
    );
    const attendees = vevent.getAllProperties('attendee').map((p) => String(p.getFirstValue()).toLowerCase());
    expect(attendees).toEqual(['mailto:sara.deltagare@example.se', 'mailto:anna.handlaggare@malmo.example']);
    await pollUntil('workflow waiting for the outcome', async () =>
      (await caseJson(coordinator, caseId)).waitingFor === 'studyVisitOutcome' ? true : undefined,
    );
  });

  it('survives a restart of the host while the step waits, and finishes after it', async () => {
    const invitedBefore = (await inbox(host.sesUrl)).filter((m) => /studiebesök/i.test(m.subject));
    expect(invitedBefore).toHaveLength(2); // the participant's copy and the case officer's
    await host.restart();
    const coordinator = await new Session(host.baseUrl).signIn(USERS.coordinator);
    const run = await sfn().send(new DescribeExecutionCommand({ executionArn: executionArn(caseId) }));
    expect(run.status).toBe('RUNNING');
    // Re-entered from the record: waiting on the same step with a fresh task token.
    await pollUntil('the resumed run waiting again', async () =>
      (await caseJson(coordinator, caseId)).waitingFor === 'studyVisitOutcome' ? true : undefined,
    );
    // The inbox survives the restart; the resumed run did not send the invitation again.
    const invitations = (await inbox(host.sesUrl)).filter((m) => /studiebesök/i.test(m.subject));
    expect(invitations.map((m) => m.messageId)).toEqual(invitedBefore.map((m) => m.messageId));

    const admin = await new Session(host.baseUrl).signIn(USERS.admin);
    const running = (await (await admin.get('/api/admin/runs?status=RUNNING')).json()) as {
      runs: { name: string; currentStep?: string }[];
    };
    expect(running.runs.find((x) => x.name === `case-${caseId}-1`)?.currentStep).toBe(
      'AwaitStudyVisitOutcome',
    );

    const missingReason = await coordinator.post(`/cases/${caseId}/study-visit/outcome`, {
      outcome: 'declined',
    });
    expect(missingReason.status).toBe(400);
    expect(await missingReason.text()).toContain('id="recordStudyVisitOutcome-declineReason-error"');
    const r = await coordinator.post(`/cases/${caseId}/study-visit/outcome`, {
      outcome: 'declined',
      declineReason: 'Vill hellre börja studera på SFI',
    });
    expect(r.status).toBe(303);
    const done = await pollUntil('the execution to succeed', async () => {
      const d = await sfn().send(new DescribeExecutionCommand({ executionArn: executionArn(caseId) }));
      return d.status === 'SUCCEEDED' ? d : undefined;
    });
    expect(done.status).toBe('SUCCEEDED');
    const c = await caseJson(coordinator, caseId);
    expect(c.status).toBe('closed');
    expect(c.phase).toBe('closed');
    const page = await (await coordinator.get(`/cases/${caseId}`)).text();
    expect(page).toContain('Vill hellre börja studera på SFI');
    // Recording the same again (a double click, a second coordinator) is harmless.
    const again = await coordinator.post(`/cases/${caseId}/study-visit/outcome`, {
      outcome: 'declined',
      declineReason: 'Vill hellre börja studera på SFI',
    });
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe(`/cases/${caseId}?done=recordStudyVisitOutcome`);
    // A different outcome on the step already done is refused, and nothing is saved.
    const other = await coordinator.post(`/cases/${caseId}/study-visit/outcome`, { outcome: 'wantsToStart' });
    expect(other.status).toBe(409);
    refusals.push({ what: 'another outcome after the recorded one', text: pageText(await other.text()) });
    const closed = await caseJson(coordinator, caseId);
    expect(closed.status).toBe('closed');
    expect(closed.phase).toBe('closed');
    expect(await (await coordinator.get(`/cases/${caseId}`)).text()).toContain(
      'Vill hellre börja studera på SFI',
    );
  });

  // Known bug (reported): a refusal's reason is drawn only inside the refused action's form, and a
  // step already done shows no form, so the 409 page says nothing of it (functions/web/case-pages.ts).
  it('says on each refusal page that nothing was saved', () => {
    expect(refusals.map((r) => r.what)).toHaveLength(3);
    for (const r of refusals) expect(r.text, r.what).toContain(NOTHING_SAVED);
  });

  it('pages through the referrals, newest first, within the organisation', async () => {
    const s = await referrer();
    const second = await s.post('/referrals', {
      ...referral('0f8fad5b-d9cb-469f-a165-second000002'),
      participantName: 'Bo Bladder',
    });
    expect(second.status).toBe(303);
    const secondId = /\/cases\/([a-z0-9]+)/.exec(second.headers.get('location') ?? '')?.[1];
    type Listing = { referrals: { caseId: string }[]; next: string | null };
    const first = (await (await s.get('/api/referrals?limit=1')).json()) as Listing;
    expect(first.referrals.map((r) => r.caseId)).toEqual([secondId]);
    expect(first.next).toBeTruthy();
    const older = (await (
      await s.get(`/api/referrals?limit=1&after=${encodeURIComponent(first.next ?? '')}`)
    ).json()) as Listing;
    expect(older.referrals.map((r) => r.caseId)).toEqual([caseId]);
    // A cursor cannot be bent to reach another organisation's partition.
    const other = await new Session(host.baseUrl).signIn(USERS.otherReferrer);
    const foreign = (await (
      await other.get(`/api/referrals?after=${encodeURIComponent(first.next ?? '')}`)
    ).json()) as Listing;
    expect(foreign.referrals).toEqual([]);
    const html = await (await s.get('/referrals')).text();
    expect(html).not.toContain('Nästa sida');
  });

  it('lists the run for admins with reference, status, current step and start time', async () => {
    const admin = await new Session(host.baseUrl).signIn(USERS.admin);
    const r = await admin.get('/api/admin/runs');
    expect(r.status).toBe(200);
    const { runs } = (await r.json()) as {
      runs: { name: string; status: string; caseReference: string; currentStep: string; startDate: string }[];
    };
    const run = runs.find((x) => x.name === `case-${caseId}-1`);
    expect(run).toMatchObject({ status: 'SUCCEEDED' });
    expect(run?.caseReference).toMatch(/^SV-\d{4}-\d{4}$/);
    // The old run page sends the admin to the placement's page: its story in plain words.
    const moved = await admin.get(`/admin/runs/case-${caseId}-1`);
    expect(moved.status).toBe(303);
    expect(moved.headers.get('location')).toBe(`/admin/placements/${caseId}`);
    const story = (await (await admin.get(`/api/admin/placements/${caseId}`)).json()) as {
      timeline: { what: string; params?: { state?: string } }[];
    };
    const said = story.timeline.map((t) => (t.params?.state ? `${t.what}:${t.params.state}` : t.what));
    for (const s of [
      'run.started',
      'run.entered:AwaitIntakeDecision',
      'run.entered:AwaitStudyVisitOutcome',
      'run.entered:CloseCase',
      'run.ended_SUCCEEDED',
      'record.closed_declinedAfterStudyVisit',
    ])
      expect(said).toContain(s);
    const detail = await (await admin.get(`/admin/placements/${caseId}`)).text();
    expect(detail).toContain('Ärendet avslutades efter studiebesöket');
    expect(detail).not.toMatch(/ExecutionStarted|TaskScheduled/);
    expect(detail).not.toContain('Sara Hemlig');
    // Admins watch runs; the participant's identity and needs are not theirs to see.
    const casePage = await (await admin.get(`/cases/${caseId}`)).text();
    expect(casePage).toContain('SV-');
    for (const secret of ['Sara Hemlig', '19811218', 'Utmattningssyndrom', 'Vill hellre börja studera'])
      expect(casePage).not.toContain(secret);
  });
});

// Last in the file: should the form take such an address, the case it makes disturbs no other test.
describe('the referral form', () => {
  it('refuses an address that mail cannot carry at the referral form', async () => {
    const s = await new Session(host.baseUrl).signIn(USERS.referrer);
    const odd = ['a,b@example.se', 'a<b@example.se', 'a>b@example.se', '"a"@example.se', 'sara@exam"ple.se'];
    const answers = [];
    for (const [i, email] of odd.entries()) {
      const r = await s.post('/referrals', { ...referral(`0f8fad5b-d9cb-469f-a165-odd00000000${i}`), email });
      const html = await r.text();
      answers.push({
        email,
        status: r.status,
        emailError: html.includes('id="email-error"'),
        otherErrors: ['participantName', 'identityNumber', 'phone', 'plannedStart'].filter((f) =>
          html.includes(`id="${f}-error"`),
        ),
      });
    }
    // Each answered on the e-mail field alone (all listed at once, so a failure names every address).
    expect(answers).toEqual(odd.map((email) => ({ email, status: 400, emailError: true, otherErrors: [] })));
    const list = (await (await s.get('/api/referrals')).json()) as { referrals: { caseId: string }[] };
    expect(list.referrals).toHaveLength(2); // the two of the slice above, none of these
  });
});
