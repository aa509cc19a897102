import { describe, expect, it } from 'vitest';
import { type CaseRecord, DAY_MS } from '#core/case';
import { ForbiddenError, type ValidationError } from '#core/errors';
import { exampleIdentityNumber } from '#core/personnummer';
import { buildDashboard, esfFact, esfReport, participants, placementExportRow } from '#core/reports';
import { addPeriod, RETENTION_RULES, retentionDue } from '#core/retention';
import {
  anonymiseCase,
  applyRetention,
  eraseParticipant,
  personalReadKinds,
  registerExtract,
} from '#core/use-cases/privacy';
import {
  ADMIN,
  COORDINATOR,
  caseIn,
  failure,
  issueCodes,
  meeting,
  SUPERVISOR,
  T0,
  UNIT,
  world,
} from '#test/support/use-case-world';

const PERSON = '198112189876';
const OTHER = exampleIdentityNumber(2, '19900101');
const YEAR_MS = 365 * DAY_MS;

/** The personal strings a record of `closedCase` carries; none may stay after anonymisation. */
const PERSONAL = ['Lina Berg', 'lina@example.se', '0701234567', 'Rullstol', 'Läkarintyg', 'Ont i ryggen'];

function closedCase(caseId: string, identityNumber = PERSON, extra: Partial<CaseRecord> = {}): CaseRecord {
  const c = caseIn('closed', caseId, T0, extra);
  c.participant = {
    ...c.participant,
    name: 'Lina Berg',
    identityNumber,
    email: 'lina@example.se',
    phone: '0701234567',
  };
  c.needs = { adaptation: 'Rullstol', languageSupport: true, language: 'arabiska' };
  if (c.plan) c.plan.adaptations = 'Läkarintyg: max 50 %';
  c.pauses = [
    {
      startedAt: new Date(T0 - 70 * DAY_MS).toISOString(),
      resumedAt: new Date(T0 - 65 * DAY_MS).toISOString(),
      reason: 'Ont i ryggen',
      maxPercent: 50,
    },
  ];
  return c;
}

/** A referral declined at intake (never started): its shorter rule applies. */
function declinedReferral(caseId: string): CaseRecord {
  const c = caseIn('intake', caseId, T0);
  c.participant = { ...c.participant, identityNumber: OTHER, name: 'Omar Ali' };
  c.intake = {
    decision: 'declined',
    reason: 'Vill inte',
    decidedAt: new Date(T0 - 30 * DAY_MS).toISOString(),
    decidedBy: 'c1',
  };
  c.status = 'closed';
  c.phase = 'closed';
  c.closure = {
    category: 'declinedAtIntake',
    reason: 'Vill inte',
    closedAt: new Date(T0 - 30 * DAY_MS).toISOString(),
  };
  return c;
}

async function withSideItems(w: ReturnType<typeof world>, caseId: string) {
  w.repo.entries.set(caseId, [
    { kind: 'talk', entryId: 't1', data: { points: { challenges: 'Ont i ryggen' } } },
  ]);
  await w.repo.claimMail({ caseId, key: 'invite:startup-1:0:participant' }, { now: T0, leaseMs: 1000 });
  await w.repo.putLink({
    hash: `${caseId}${'a'.repeat(64)}`.slice(0, 64),
    caseId,
    meetingId: 'startup-1',
    sequence: 0,
    createdAt: new Date(T0).toISOString(),
    expiresAt: Math.floor(T0 / 1000) + 30 * 86_400,
  });
}

function figures(cases: CaseRecord[], now: number) {
  const facts = cases.flatMap((c) => esfFact(c, now) ?? []);
  return {
    dashboard: buildDashboard([UNIT], cases, now),
    esf: esfReport(participants(facts), { from: '2020-01-01', to: '2040-12-31' }),
    rows: cases.map((c) => placementExportRow(c, [UNIT], now)),
  };
}

describe('retention rules', () => {
  it('names a period and what stays for every kind of record', () => {
    for (const r of RETENTION_RULES) expect(r.period.years ?? r.period.days).toBeGreaterThan(0);
    expect(RETENTION_RULES.map((r) => r.kind)).toEqual(
      expect.arrayContaining([
        'participantCase',
        'referralNotStarted',
        'participantLinks',
        'mailLedger',
        'auditEvents',
      ]),
    );
  });

  it('is due five years after a participant closed, one year after a referral that never started', () => {
    const participant = closedCase('case00000001');
    const closedAt = Date.parse(participant.closure?.closedAt ?? '');
    expect(retentionDue(participant)).toBe(new Date(addPeriod(closedAt, { years: 5 })).toISOString());
    const declined = declinedReferral('case00000002');
    expect(Date.parse(retentionDue(declined) ?? '')).toBe(addPeriod(T0 - 30 * DAY_MS, { years: 1 }));
    expect(retentionDue(caseIn('training'))).toBeUndefined();
  });
});

describe('anonymisation', () => {
  it('removes every personal datum and keeps the dashboard, ESF+ figures and export rows equal', async () => {
    const w = world();
    // One person re-enters (two cases: counted once), another is still in training.
    const first = closedCase('case00000001');
    const again = closedCase('case00000002', PERSON);
    if (again.plan) again.plan.startDate = '2027-01-10';
    const other = closedCase('case00000003', OTHER, { participant: { ...first.participant, gender: 'man' } });
    other.participant.identityNumber = OTHER;
    const running = caseIn('training', 'case00000004');
    const all = [first, again, other, running];
    await w.seed(...all);
    const now = T0 + 6 * YEAR_MS;
    const before = figures(all, now);
    w.clock.set(now);
    for (const c of [first, again, other])
      expect(await anonymiseCase(w.deps, c.caseId, 'retention')).toBe('done');
    const after = await Promise.all(all.map((c) => w.get(c.caseId)));
    const afterFigures = figures(after, now);
    expect(afterFigures.dashboard).toEqual(before.dashboard);
    expect(afterFigures.esf).toEqual(before.esf);
    expect(afterFigures.rows).toEqual(before.rows);
    expect(before.esf.entry.find((r) => r.key === 'participants')?.split.total).toBe(2);
    for (const c of after.slice(0, 3)) {
      const json = JSON.stringify(c);
      for (const s of [...PERSONAL, PERSON, OTHER, 'anna@malmo.example', 'Anna', 'Sami', 'arabiska'])
        expect(json).not.toContain(s);
      expect(c.anonymised?.by).toBe('retention');
    }
    // The running case keeps its data.
    expect(after[3]?.participant.identityNumber).toBe(PERSON);
  });

  it('will not anonymise a case before its rule is due, nor an active one', async () => {
    const w = world();
    await w.seed(closedCase('case00000001'), caseIn('training', 'case00000002'));
    expect(await anonymiseCase(w.deps, 'case00000001', 'retention')).toBe('notDue');
    expect((await w.get('case00000001')).participant.name).toBe('Lina Berg');
    await expect(anonymiseCase(w.deps, 'case00000002', 'erasure')).rejects.toThrow();
  });
});

describe('the retention job', () => {
  it('applies each rule when its time has come, once, as the platform', async () => {
    const w = world();
    await w.seed(
      closedCase('case00000001'),
      declinedReferral('case00000002'),
      caseIn('training', 'case00000003'),
    );
    await withSideItems(w, 'case00000001');
    await withSideItems(w, 'case00000002');

    expect(await applyRetention(w.deps)).toEqual({ due: 0, anonymised: 0, failed: 0 });

    // A year and a bit later: the declined referral only.
    w.clock.set(T0 + YEAR_MS + 2 * DAY_MS);
    expect(await applyRetention(w.deps)).toEqual({ due: 1, anonymised: 1, failed: 0 });
    expect((await w.get('case00000002')).participant.name).toBe('');
    expect((await w.get('case00000001')).participant.name).toBe('Lina Berg');
    expect(w.repo.links.size).toBe(1);
    expect(await w.repo.listEntries('case00000001', 'talk')).toHaveLength(1);
    expect(await w.repo.listEntries('case00000002', 'talk')).toHaveLength(0);

    // Five years after the participant closed.
    w.clock.set(T0 + 5 * YEAR_MS + 2 * DAY_MS);
    expect(await applyRetention(w.deps)).toEqual({ due: 1, anonymised: 1, failed: 0 });
    const done = await w.get('case00000001');
    expect(done.participant.identityNumber).toBe('');
    expect(done.anonymised).toMatchObject({ by: 'retention', ageBand: 'from30to54' });
    expect(w.repo.links.size).toBe(0);
    expect(w.repo.mails.size).toBe(0);
    expect(await w.repo.listEntries('case00000001', 'talk')).toHaveLength(0);
    expect((await w.get('case00000003')).participant.name).toBe('P');

    // Again: nothing more to do, no second audit event.
    expect(await applyRetention(w.deps)).toEqual({ due: 0, anonymised: 0, failed: 0 });
    const events = w.repo.audit.filter((e) => e.action === 'privacy.retention');
    expect(events.map((e) => [e.caseId, e.by.name, e.detail])).toEqual([
      ['case00000002', 'plattformen', 'referralNotStarted'],
      ['case00000001', 'plattformen', 'participantCase'],
    ]);
  });
});

describe('erasure on a legal request', () => {
  it('closes an active case (run stopped, coming meetings cancelled, place given back), then removes its personal data', async () => {
    const w = world();
    const c = caseIn('training', 'case00000001', T0, {
      meetings: [meeting('followUp', T0 + 5 * DAY_MS, { meetingId: 'followUp-1' })],
    });
    c.needs.adaptation = 'Rullstol';
    const earlier = closedCase('case00000002');
    await w.seed(c, earlier);
    w.repo.places.set(UNIT.unitId, 1);
    w.workflow.runs.set(c.execution.name, 'RUNNING');

    expect(
      await issueCodes(() => eraseParticipant(w.deps, ADMIN, c.caseId, { formId: 'f'.repeat(22) })),
    ).toEqual(['reason:required']);
    expect(
      await failure(() =>
        eraseParticipant(w.deps, COORDINATOR, c.caseId, {
          formId: 'f'.repeat(22),
          reason: 'Begäran enligt art. 17',
        }),
      ),
    ).toBeInstanceOf(ForbiddenError);

    const form = { formId: 'erase-form-0000000001', reason: 'Begäran enligt art. 17' };
    const r = await eraseParticipant(w.deps, ADMIN, c.caseId, form);
    expect(r.outcome).toBe('done');
    expect(w.workflow.stopped.map((s) => s.name)).toContain(c.execution.name);
    const after = await w.get(c.caseId);
    expect(after.status).toBe('closed');
    expect(after.closure?.category).toBe('closedAdministratively');
    expect(after.meetings[0]?.cancelledAt).toBeDefined();
    expect(after.place?.releasedAt).toBeDefined();
    expect(w.repo.places.get(UNIT.unitId)).toBe(0);
    expect(after.anonymised?.by).toBe('erasure');
    expect(JSON.stringify(after)).not.toContain('Rullstol');
    // The person's earlier case goes too.
    expect((await w.get(earlier.caseId)).anonymised?.by).toBe('erasure');
    // The calendar CANCEL went out before the address was removed.
    expect(w.mail.sent.some((m) => m.calendar?.method === 'CANCEL')).toBe(true);

    const erase = w.repo.audit.filter((e) => e.action === 'privacy.erase');
    expect(erase.map((e) => [e.caseId, e.outcome, e.reason])).toEqual([
      [c.caseId, 'done', form.reason],
      [earlier.caseId, 'done', form.reason],
    ]);
    // A double click: the same form does nothing more.
    expect((await eraseParticipant(w.deps, ADMIN, c.caseId, form)).outcome).toBe('already');
    expect(w.repo.audit.filter((e) => e.action === 'privacy.erase')).toHaveLength(2);
  });
});

describe('register extract', () => {
  it('finds every case of the person by identity number and audits each with the reason', async () => {
    const w = world();
    await w.seed(
      closedCase('case00000001'),
      caseIn('training', 'case00000002'),
      declinedReferral('case00000003'),
    );
    w.repo.entries.set('case00000001', [{ kind: 'talk', entryId: 't1', data: { points: {} } }]);
    const x = await registerExtract(w.deps, ADMIN, {
      identityNumber: '811218-9876',
      reason: 'Begäran art. 15',
    });
    expect(x.cases.map((k) => k.c.caseId)).toEqual(['case00000001', 'case00000002']);
    expect(x.cases[0]?.talks).toHaveLength(1);
    expect(x.identity.normalized).toBe(PERSON);
    const events = w.repo.audit.filter((e) => e.action === 'privacy.extract');
    expect(events.map((e) => [e.caseId, e.reason, e.by.sub])).toEqual([
      ['case00000001', 'Begäran art. 15', ADMIN.sub],
      ['case00000002', 'Begäran art. 15', ADMIN.sub],
    ]);
  });

  it('validates the identity number with the project validator and needs a reason; admins only', async () => {
    const w = world();
    expect(
      await issueCodes(() => registerExtract(w.deps, ADMIN, { identityNumber: '811218-9875', reason: '' })),
    ).toEqual(['identityNumber:checksum', 'reason:required']);
    const err = await failure(() =>
      registerExtract(w.deps, ADMIN, { identityNumber: '811218-9875', reason: 'x' }),
    );
    expect((err as ValidationError).issues[0]?.code).toBe('checksum');
    expect(
      await failure(() =>
        registerExtract(w.deps, COORDINATOR, { identityNumber: PERSON, reason: 'Begäran' }),
      ),
    ).toBeInstanceOf(ForbiddenError);
  });
});

describe('read audit', () => {
  it('counts the identity number and health texts for those who see them, nothing for others', () => {
    const c = closedCase('case00000001');
    expect(personalReadKinds(COORDINATOR, c, [])).toEqual(['identityNumber', 'health']);
    const plain = caseIn('training');
    expect(personalReadKinds(COORDINATOR, plain, [])).toEqual(['identityNumber']);
    expect(personalReadKinds(COORDINATOR, plain, [{ kind: 'talk', entryId: 't', data: {} }])).toEqual([
      'identityNumber',
      'health',
    ]);
    // Admins see references only; an unassigned supervisor sees nothing personal.
    expect(personalReadKinds(ADMIN, c, [])).toEqual([]);
    expect(personalReadKinds({ ...SUPERVISOR, email: 'other@x.se' }, c, [])).toEqual([]);
  });
});
