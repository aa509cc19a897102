import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '#local/demo';
import { startTestHost, type TestHost } from '#test/support/host';
import { inbox, Session, USERS } from '#test/support/session';

/** `npm run seed -- --demo` against a running host with accelerated time: every phase, for real. */
let host: TestHost;
beforeAll(async () => {
  host = await startTestHost({ timeScale: 20_000 });
});
afterAll(async () => {
  await host?.stop();
});

describe('demo seed', () => {
  it('creates placements in every phase through the routes, with real runs and mail', async () => {
    const lines: string[] = [];
    const { created, skipped } = await runDemo({
      baseUrl: host.baseUrl,
      sesUrl: host.sesUrl,
      log: (l) => lines.push(l),
    });
    expect(skipped).toEqual([]);
    const phases = [
      'queued',
      'intake',
      'closed',
      'studyVisitScheduling',
      'studyVisitInvited', // answered "coming", in English
      'studyVisitInvited', // moved
      'studyVisitInvited', // its mail bounced
      'startupScheduling',
      'startupScheduling', // its start-up meeting cancelled
      'startupPlanning',
      'training',
      'paused',
      'closing',
      'afterClosing',
    ];
    expect(created.map((c) => c.phase).sort()).toEqual([...phases].sort());
    const karin = await new Session(host.baseUrl).signIn(USERS.coordinator);
    for (const c of created) {
      const json = (await (await karin.get(`/api/cases/${c.caseId}`)).json()) as { phase: string };
      expect(json.phase, c.reference).toBe(c.phase);
    }
    expect(lines.join('\n')).toContain('placements by phase');
    const mails = await inbox(host.sesUrl);
    expect(mails.some((m) => /Uppstartsmöte/.test(m.subject))).toBe(true);
    expect(mails.some((m) => /Plats ledig|Ny anvisning/.test(m.subject))).toBe(true);
    // Every kind of meeting mail: moved, cancelled; and one participant answered through their link.
    expect(mails.some((m) => /^Ny tid: Uppstartsmöte/.test(m.subject))).toBe(true);
    expect(mails.some((m) => /^Inställt: Uppstartsmöte/.test(m.subject))).toBe(true);
    const [invited, moved, bounced] = created.filter((c) => c.phase === 'studyVisitInvited');
    const page = await (await karin.get(`/cases/${invited?.caseId}`)).text();
    expect(page).toContain('deltagaren kommer');
    // In English for the participant who reads English; a study visit moved; a bounce to check.
    expect(mails.some((m) => /^Study visit on /.test(m.subject))).toBe(true);
    expect(mails.some((m) => /^Ny tid: Studiebesök/.test(m.subject))).toBe(true);
    expect(
      (await (await karin.get(`/cases/${moved?.caseId}`)).text()).includes('flyttat, ny tid skickad'),
    ).toBe(true);
    expect(mails.some((m) => m.subject === `Kontrollera e-postadressen: ${bounced?.reference}`)).toBe(true);
    const todo = await (await karin.get('/todo')).text();
    expect(todo).toContain(`/cases/${bounced?.caseId}#form-correctAddress-h`);
    // Every mail has its HTML part.
    expect(mails.every((m) => (m.body.html ?? '').startsWith('<!doctype html>'))).toBe(true);
  }, 170_000);
});
