import { describe, expect, it } from 'vitest';
import { DAY_MS } from '#core/case';
import { ForbiddenError, NotFoundError, StepNotWaitingError } from '#core/errors';
import { proposeStudyVisit, recordStudyVisitOutcome } from '#core/use-cases/study-visit';
import {
  ADMIN,
  CASE_OFFICER,
  COORDINATOR,
  caseIn,
  failure,
  HOUR_MS,
  iso,
  issueCodes,
  meetingForm,
  OTHER_OFFICER,
  SUPERVISOR,
  T0,
  tenOclock,
  waitingOn,
  world,
} from '#test/support/use-case-world';

/**
 * The study visit's validation is moving to zod with its texts in the web catalogue: these tests
 * hold the field and the code of each issue only.
 */
const ID = 'case00000001';

describe('proposeStudyVisit', () => {
  async function setup() {
    const w = world();
    await w.seed(caseIn('studyVisitScheduling', ID, T0, waitingOn('studyVisitProposal')));
    return w;
  }

  it('stores the visit in Stockholm time with the coordinator as organizer', async () => {
    const w = await setup();
    const after = await proposeStudyVisit(w.deps, COORDINATOR, ID, meetingForm(T0, 3, ' REMAKE, Malmö '));
    expect(after.studyVisit).toEqual({
      start: iso(tenOclock(T0, 3)),
      end: iso(tenOclock(T0, 3) + HOUR_MS),
      location: 'REMAKE, Malmö',
      organizer: { name: 'Karin', email: 'karin@stadsmissionen.example' },
      sequence: 0,
      proposedAt: iso(T0),
    });
    expect(after.phase).toBe('studyVisitProposed');
    expect(w.workflow.tokens).toEqual([{ token: 'token-studyVisitProposal', output: { caseId: ID } }]);
  });

  it('lets an admin propose it too', async () => {
    const w = await setup();
    const after = await proposeStudyVisit(w.deps, ADMIN, ID, meetingForm(T0, 3));
    expect(after.studyVisit?.organizer).toEqual({ name: 'Ada', email: 'ada@stadsmissionen.example' });
  });

  it('refuses an unreadable or past time before reading the case', async () => {
    const w = await setup();
    expect(
      await issueCodes(() =>
        proposeStudyVisit(w.deps, COORDINATOR, ID, { date: '2027-02-30', startTime: '9', location: '' }),
      ),
    ).toEqual(expect.arrayContaining(['date:date', 'startTime:time', 'endTime:time', 'location:required']));
    expect(await issueCodes(() => proposeStudyVisit(w.deps, COORDINATOR, ID, meetingForm(T0, -1)))).toEqual([
      'date:past',
    ]);
    expect(
      await issueCodes(() =>
        proposeStudyVisit(w.deps, COORDINATOR, 'nosuchcase01', { ...meetingForm(T0, 3), endTime: '09:00' }),
      ),
    ).toEqual(['endTime:order']);
    expect((await w.get(ID)).version).toBe(1);
    expect(w.workflow.tokens).toEqual([]);
  });

  it('takes the same proposal twice as one and refuses another time once proposed', async () => {
    const w = await setup();
    await proposeStudyVisit(w.deps, COORDINATOR, ID, meetingForm(T0, 3));
    const again = await proposeStudyVisit(w.deps, COORDINATOR, ID, meetingForm(T0, 3));
    expect(again.version).toBe(2);
    for (const form of [
      meetingForm(T0, 4),
      { ...meetingForm(T0, 3), startTime: '10:30' },
      { ...meetingForm(T0, 3), endTime: '12:00' },
      meetingForm(T0, 3, 'Annan'),
    ]) {
      const err = await failure(() => proposeStudyVisit(w.deps, COORDINATOR, ID, form));
      expect(err).toBeInstanceOf(StepNotWaitingError);
      expect(err).toMatchObject({ code: 'alreadyDone' });
    }
    expect((await w.get(ID)).studyVisit?.start).toBe(iso(tenOclock(T0, 3)));
  });

  it('is for the coordinators', async () => {
    const w = await setup();
    await expect(proposeStudyVisit(w.deps, SUPERVISOR, ID, meetingForm(T0, 3))).rejects.toThrow(
      ForbiddenError,
    );
    await expect(proposeStudyVisit(w.deps, CASE_OFFICER, ID, meetingForm(T0, 3))).rejects.toThrow(
      ForbiddenError,
    );
    await expect(proposeStudyVisit(w.deps, OTHER_OFFICER, ID, meetingForm(T0, 3))).rejects.toThrow(
      NotFoundError,
    );
  });

  it('is refused while the referral waits for a place', async () => {
    const w = world();
    await w.seed(caseIn('queued', ID));
    await expect(proposeStudyVisit(w.deps, COORDINATOR, ID, meetingForm(T0, 3))).rejects.toMatchObject({
      code: 'alreadyDone',
      params: { phase: 'queued' },
    });
  });
});

describe('recordStudyVisitOutcome', () => {
  async function setup() {
    const w = world();
    await w.seed(caseIn('studyVisitInvited', ID, T0, waitingOn('studyVisitOutcome')));
    return w;
  }

  it('records that the participant wants to start', async () => {
    const w = await setup();
    w.clock.advance(DAY_MS);
    const after = await recordStudyVisitOutcome(w.deps, COORDINATOR, ID, {
      outcome: 'wantsToStart',
      declineReason: 'ignored',
    });
    expect(after.studyVisit).toMatchObject({
      outcome: 'wantsToStart',
      outcomeRecordedAt: iso(T0 + DAY_MS),
      outcomeRecordedBy: 'c1',
    });
    expect(after.studyVisit?.declineReason).toBeUndefined();
    expect(after.phase).toBe('startupScheduling');
    expect(w.workflow.tokens).toEqual([{ token: 'token-studyVisitOutcome', output: { caseId: ID } }]);
  });

  it('records a decline with its reason', async () => {
    const w = await setup();
    const after = await recordStudyVisitOutcome(w.deps, ADMIN, ID, {
      outcome: 'declined',
      declineReason: '  Vill inte sy  ',
    });
    expect(after.studyVisit).toMatchObject({
      outcome: 'declined',
      declineReason: 'Vill inte sy',
      outcomeRecordedBy: 'a1',
    });
    expect(after.phase).toBe('studyVisitDeclined');
  });

  it('refuses a missing outcome, a decline without reason and a reason too long', async () => {
    const w = await setup();
    expect(await issueCodes(() => recordStudyVisitOutcome(w.deps, COORDINATOR, ID, {}))).toEqual([
      'outcome:required',
    ]);
    expect(
      await issueCodes(() => recordStudyVisitOutcome(w.deps, COORDINATOR, ID, { outcome: 'maybe' })),
    ).toEqual(['outcome:required']);
    expect(
      await issueCodes(() =>
        recordStudyVisitOutcome(w.deps, COORDINATOR, ID, { outcome: 'declined', declineReason: '  ' }),
      ),
    ).toEqual(['declineReason:required']);
    expect(
      await issueCodes(() =>
        recordStudyVisitOutcome(w.deps, COORDINATOR, ID, {
          outcome: 'declined',
          declineReason: 'x'.repeat(2001),
        }),
      ),
    ).toEqual(['declineReason:length']);
    expect((await w.get(ID)).version).toBe(1);
    const longest = await recordStudyVisitOutcome(w.deps, COORDINATOR, ID, {
      outcome: 'declined',
      declineReason: 'x'.repeat(2000),
    });
    expect(longest.studyVisit?.declineReason).toHaveLength(2000);
  });

  it('takes the same outcome twice as one and refuses a different one', async () => {
    const w = await setup();
    await recordStudyVisitOutcome(w.deps, COORDINATOR, ID, { outcome: 'declined', declineReason: 'Nej' });
    expect(
      (await recordStudyVisitOutcome(w.deps, COORDINATOR, ID, { outcome: 'declined', declineReason: 'Nej' }))
        .version,
    ).toBe(2);
    await expect(
      recordStudyVisitOutcome(w.deps, COORDINATOR, ID, { outcome: 'declined', declineReason: 'Annat' }),
    ).rejects.toMatchObject({ code: 'alreadyDone' });
    await expect(
      recordStudyVisitOutcome(w.deps, COORDINATOR, ID, { outcome: 'wantsToStart' }),
    ).rejects.toThrow(StepNotWaitingError);
    const w2 = await setup();
    await recordStudyVisitOutcome(w2.deps, COORDINATOR, ID, { outcome: 'wantsToStart' });
    // A reason sent with "wants to start" does not make it a different answer.
    expect(
      (
        await recordStudyVisitOutcome(w2.deps, COORDINATOR, ID, {
          outcome: 'wantsToStart',
          declineReason: 'x',
        })
      ).version,
    ).toBe(2);
  });

  it('is refused before the visit has been proposed and for people not coordinating', async () => {
    const w = world();
    await w.seed(caseIn('studyVisitScheduling', ID));
    await expect(
      recordStudyVisitOutcome(w.deps, COORDINATOR, ID, { outcome: 'wantsToStart' }),
    ).rejects.toMatchObject({ code: 'alreadyDone' });
    const w2 = await setup();
    await expect(
      recordStudyVisitOutcome(w2.deps, SUPERVISOR, ID, { outcome: 'wantsToStart' }),
    ).rejects.toThrow(ForbiddenError);
    await expect(
      recordStudyVisitOutcome(w2.deps, OTHER_OFFICER, ID, { outcome: 'wantsToStart' }),
    ).rejects.toThrow(NotFoundError);
  });
});
