import { randomBytes } from 'node:crypto';
import { TALK_POINTS } from '#core/case';
import { exampleIdentityNumber } from '#core/personnummer';
import { Session, USERS } from './http-session.ts';

/**
 * `npm run seed -- --demo`: with `npm start` running, creates placements in every phase through
 * the platform's own routes (form posts as the seeded users), so executions and mails are real.
 * Steps that need a meeting to have taken place wait for the host's workflow clock: with
 * STEGVIS_TIME_SCALE=8640 (a day in ten seconds) every phase is reached in a couple of minutes;
 * at real time the demo creates the phases it can and says which need accelerated time.
 */

type Log = (line: string) => void;
interface Health {
  timeScale: number;
  now: string;
}

const DAY = 86_400_000;
const stockholmDay = (ms: number) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(new Date(ms));

export async function runDemo(o: { baseUrl: string; sesUrl?: string; log?: Log; maxWaitMs?: number }) {
  // The local inbox (/health names no addresses): given, or on this machine at STEGVIS_SES_PORT.
  const sesUrl = o.sesUrl ?? `http://127.0.0.1:${process.env.STEGVIS_SES_PORT ?? 8005}`;
  const log = o.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const health = async () => (await (await fetch(`${o.baseUrl}/health`)).json()) as Health;
  const h = await health();
  const accelerated = h.timeScale >= 1000;
  const anna = await new Session(o.baseUrl).signIn(USERS.referrer);
  const karin = await new Session(o.baseUrl).signIn(USERS.coordinator);
  const sami = await new Session(o.baseUrl).signIn(USERS.supervisor);
  const created: { phase: string; caseId: string; reference: string }[] = [];
  const skipped: string[] = [];

  const check = async (r: Response, what: string) => {
    if (r.status === 303) return r;
    const text = (await r.text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    const error =
      /Formuläret innehåller fel(.{0,300})/.exec(text)?.[1] ??
      /Inget sparades.{0,200}/.exec(text)?.[0] ??
      text.slice(0, 300);
    throw new Error(`${what}: ${r.status} ${error}`);
  };
  const api = async (caseId: string) =>
    (await (await karin.get(`/api/cases/${caseId}`)).json()) as {
      phase: string;
      reference: string;
      meetings: { start: string; invitationSent: boolean }[];
    };
  const poll = async <T>(what: string, fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const v = await fn();
      if (v !== undefined) return v;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const phase = (caseId: string, p: string) =>
    poll(`${p}`, async () => ((await api(caseId)).phase === p ? true : undefined));
  /** A meeting tomorrow, each in an hour of its own (Sami is in many: meetings must not overlap). */
  let slot = 0;
  const meetingTomorrow = async (daysAhead = 1) => {
    const now = Date.parse((await health()).now);
    const s = slot++;
    const hour = 8 + (s % 9);
    return {
      date: stockholmDay(now + DAY * (daysAhead + Math.floor(s / 9))),
      startTime: `${String(hour).padStart(2, '0')}:00`,
      endTime: `${String(hour).padStart(2, '0')}:50`,
      location: 'Stadsmissionen, Malmö',
    };
  };
  /** Waits until the host's clock has passed the case's last meeting. */
  const afterLastMeeting = async (caseId: string) => {
    const c = await poll('the invitation', async () => {
      const x = await api(caseId);
      const last = x.meetings.at(-1);
      return last?.invitationSent ? last : undefined;
    });
    const end = Date.parse(c.start) + 2 * 3_600_000;
    await poll(
      'the meeting to pass',
      async () => (Date.parse((await health()).now) > end ? true : undefined),
      o.maxWaitMs ?? 120_000,
    );
  };

  const referral = async (
    unitId: string,
    n: number,
    o: { email?: string; mailLanguage?: 'sv' | 'en' } = {},
  ) => {
    const now = Date.parse(h.now);
    const email = o.email ?? `deltagare${n}@example.se`;
    const r = await check(
      await anna.post('/referrals', {
        submissionId: `demo-${randomBytes(12).toString('hex')}`,
        participantName: `Demo Deltagare ${n}`,
        identityNumber: exampleIdentityNumber(n),
        email,
        phone: '070-123 45 67',
        gender: ['woman', 'man', 'nonBinary'][n % 3] ?? 'woman',
        placementAgreementRef: `PÖ-DEMO-${n}`,
        unitId,
        adaptationNeeds: '',
        languageSupport: 'no',
        language: '',
        mailLanguage: o.mailLanguage ?? 'sv',
        plannedStart: stockholmDay(now + 7 * DAY),
        plannedEnd: stockholmDay(now + 180 * DAY),
      }),
      'referral',
    );
    const id = /\/cases\/([a-z0-9]+)/.exec(r.headers.get('location') ?? '')?.[1] ?? '';
    emails.set(id, email);
    return id;
  };
  const emails = new Map<string, string>();
  /** The participant's own link in the latest invitation to them (read from the local inbox). */
  const participantLink = async (caseId: string) => {
    const to = emails.get(caseId) ?? '';
    return poll('the participant’s link', async () => {
      const store = (await (await fetch(`${sesUrl}/store`)).json()) as {
        emails: { destination: { to: string[] }; body: { text?: string } }[];
      };
      const mine = store.emails.filter((m) => m.destination.to.join(',').includes(to));
      return /\/m\/[A-Za-z0-9_-]{22,64}/.exec(mine.at(-1)?.body.text ?? '')?.[0];
    });
  };
  const accept = (caseId: string) =>
    karin
      .post(`/cases/${caseId}/intake`, {
        decision: 'accepted',
        reason: '',
        labourMarketStatus: 'longTermUnemployed',
        education: 'isced3to4',
        disability: 'undisclosed',
        foreignBackground: 'no',
        targetGroup: 'illHealthFirstTraining',
      })
      .then((r) => check(r, 'accept'));
  const record = async (p: string, caseId: string) =>
    created.push({ phase: p, caseId, reference: (await api(caseId)).reference });

  let n = 0;
  // The queue first, in the smallest unit, so its places are free to fill.
  for (const unitId of ['amiralen']) {
    const holders: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = await referral(unitId, ++n);
      await accept(id);
      holders.push(id);
    }
    const queued = holders.at(-1) as string;
    if ((await api(queued)).phase === 'queued') await record('queued', queued);
  }

  const intake = await referral('secondhand', ++n);
  await record('intake', intake);

  const declined = await referral('secondhand', ++n);
  await check(
    await karin.post(`/cases/${declined}/intake`, {
      decision: 'declined',
      reason: 'Ingen passande uppgift just nu.',
    }),
    'decline',
  );
  await phase(declined, 'closed');
  await record('closed', declined);

  const scheduling = await referral('secondhand', ++n);
  await accept(scheduling);
  await record('studyVisitScheduling', scheduling);

  /** A case taken to the start-up meeting (booked), ready for the plan once it has passed. */
  const toStartup = async (
    unitId: string,
    daysAhead = 1,
    who: { email?: string; mailLanguage?: 'sv' | 'en' } = {},
  ) => {
    const id = await referral(unitId, ++n, who);
    await accept(id);
    await check(
      await karin.post(`/cases/${id}/study-visit`, await meetingTomorrow(daysAhead)),
      'study visit',
    );
    await phase(id, 'studyVisitInvited');
    return id;
  };
  // Far enough ahead that its participant can still answer at any time scale. This participant
  // reads English: their invitation, reminder and answer page are in English.
  const invited = await toStartup('secondhand', 20, { mailLanguage: 'en' });
  await record('studyVisitInvited', invited);
  // The participant answers through their own link: coming.
  const answer = await fetch(`${o.baseUrl}${await participantLink(invited)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(o.baseUrl).origin },
    body: 'answer=coming&message=',
  });
  if (answer.status !== 200) throw new Error(`the participant's answer: ${answer.status}`);

  // A study visit moved (the same event, a new time) and one whose mail bounced: SES's simulator
  // address bounces, and "check the e-mail address" is on Karin's list.
  const movedVisit = await toStartup('secondhand', 15);
  await check(
    await karin.post(`/cases/${movedVisit}/meetings/move`, {
      meetingId: 'study-visit',
      ...(await meetingTomorrow(16)),
    }),
    'move the study visit',
  );
  await phase(movedVisit, 'studyVisitInvited');
  await record('studyVisitInvited', movedVisit);
  const bounced = await toStartup('secondhand', 15, { email: 'bounce@simulator.amazonses.com' });
  await poll('the bounce', async () =>
    (await (await karin.get(`/cases/${bounced}`)).text()).includes('form-correctAddress') ? true : undefined,
  );
  await record('studyVisitInvited', bounced);

  const wants = await toStartup('secondhand');
  await check(
    await karin.post(`/cases/${wants}/study-visit/outcome`, { outcome: 'wantsToStart' }),
    'outcome',
  );
  await record('startupScheduling', wants);

  const booked = async (unitId: string) => {
    const id = await toStartup(unitId);
    await check(await karin.post(`/cases/${id}/study-visit/outcome`, { outcome: 'wantsToStart' }), 'outcome');
    await check(
      await karin.post(`/cases/${id}/startup-meeting`, {
        ...(await meetingTomorrow()),
        supervisorEmail: 'sami.handledare@stadsmissionen.example',
        inviteCaseOfficer: 'yes',
      }),
      'start-up meeting',
    );
    return id;
  };
  const planning = await booked('insamling-produktion');
  await record('startupPlanning', planning);

  // Every kind of meeting mail: a meeting moved, one cancelled, a participant's answer through
  // their own link (the invited study visit), and a link left unanswered (the moved meeting's).
  await poll('the invitation', async () =>
    (await api(planning)).meetings.at(-1)?.invitationSent ? true : undefined,
  );
  await check(
    await karin.post(`/cases/${planning}/meetings/move`, {
      meetingId: 'startup-1',
      ...(await meetingTomorrow()),
    }),
    'move the start-up meeting',
  );
  const cancelled = await booked('insamling-produktion');
  // Cancelled once its invitation is out (a meeting cancelled before that is in no calendar).
  await poll('the invitation', async () =>
    (await api(cancelled)).meetings.at(-1)?.invitationSent ? true : undefined,
  );
  await check(
    await karin.post(`/cases/${cancelled}/meetings/cancel`, { meetingId: 'startup-1' }),
    'cancel the start-up meeting',
  );
  await phase(cancelled, 'startupScheduling');
  await record('startupScheduling', cancelled);

  if (!accelerated) {
    skipped.push('training', 'paused', 'closing', 'afterClosing');
  } else {
    const inTraining = async () => {
      const id = await booked('insamling-produktion');
      await afterLastMeeting(id);
      const today = stockholmDay(Date.parse((await health()).now));
      await check(
        await sami.postEntries(`/cases/${id}/plan`, [
          ['goals', 'Komma igång och trivas'],
          ['tasks', 'sortering'],
          ['tasks', 'paketering'],
          ['percent', '25'],
          ['adaptations', 'Pauser varje timme'],
          ['startDate', today],
        ]),
        'plan',
      );
      return id;
    };
    const training = await inTraining();
    const today = stockholmDay(Date.parse((await health()).now));
    const talk: Record<string, string> = {
      formId: `talk-${randomBytes(8).toString('hex')}`,
      date: today,
      capacityDeclined: 'no',
    };
    for (const p of TALK_POINTS) talk[p] = 'Går bra.';
    await check(await sami.post(`/cases/${training}/talks`, talk), 'talk');
    await record('training', training);

    const paused = await inTraining();
    await check(
      await karin.post(`/cases/${paused}/follow-ups`, {
        ...(await meetingTomorrow()),
        formId: `fu-${randomBytes(8).toString('hex')}`,
      }),
      'follow-up',
    );
    await afterLastMeeting(paused);
    await check(
      await karin.postEntries(`/cases/${paused}/follow-ups/record`, [
        ['participantPresent', 'yes'],
        ['caseOfficerPresent', 'yes'],
        ['summary', 'Behöver vårdkontakt'],
        ['decision', 'pause'],
        ['newPercent', ''],
        ['reason', 'Försämrad arbetsförmåga'],
        ['tasks', 'sortering'],
      ]),
      'follow-up record',
    );
    await record('paused', paused);

    const closing = await inTraining();
    await check(
      await karin.post(`/cases/${closing}/close-early`, { reason: 'gotJob', note: '' }),
      'close early',
    );
    await check(
      await karin.post(`/cases/${closing}/closing-meeting`, await meetingTomorrow()),
      'closing meeting',
    );
    await record('closing', closing);

    const ended = await inTraining();
    await check(
      await karin.post(`/cases/${ended}/close-early`, { reason: 'studies', note: '' }),
      'close early',
    );
    await check(
      await karin.post(`/cases/${ended}/closing-meeting`, await meetingTomorrow()),
      'closing meeting',
    );
    await afterLastMeeting(ended);
    await check(
      await karin.post(`/cases/${ended}/closing`, {
        summary: 'En bra period med tydlig utveckling.',
        evaluation: 'Målen nåddes.',
        outcome: 'studiesKomvux',
        explanation: '',
        nextStepPlan: 'Komvux i höst.',
      }),
      'closing record',
    );
    await phase(ended, 'afterClosing');
    await record('afterClosing', ended);
  }

  log('\nStegvis demo: placements by phase');
  for (const c of created)
    log(`  ${c.phase.padEnd(22)} ${c.reference.padEnd(14)} ${o.baseUrl}/cases/${c.caseId}`);
  if (skipped.length)
    log(
      `\nNot reached at real time: ${skipped.join(', ')}. They need meetings to have taken place: restart with\n` +
        '  rm -rf .stegvis && STEGVIS_TIME_SCALE=8640 npm start\nand run the demo again (a workflow day then passes in ten seconds).',
    );
  return { created, skipped };
}
