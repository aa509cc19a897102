import { describe, expect, it } from 'vitest';
import { actionAvailability, actionAvailable, changeableMeetings } from '#core/use-cases/availability';
import { caseIn, iso, meeting, T0 } from '#test/support/use-case-world';

const ID = 'case00000001';
const HOUR = 3_600_000;

describe('actionAvailability', () => {
  it('opens a record form once its meeting has begun, saying when it opens before that', () => {
    const future = caseIn('startupPlanning', ID, T0, {
      meetings: [meeting('startup', T0 + HOUR, { location: 'Rum 2' })],
    });
    expect(actionAvailability(future, 'recordPlan', T0)).toEqual({
      available: false,
      meeting: { kind: 'startup', start: iso(T0 + HOUR), location: 'Rum 2' },
    });
    expect(actionAvailability(future, 'recordPlan', T0 + HOUR)).toEqual({ available: true });
    const c = caseIn('training');
    expect(actionAvailability(c, 'recordFollowUp', T0)).toEqual({ available: false });
    expect(actionAvailability(c, 'recordPlan', T0)).toEqual({ available: false });
    const held = {
      ...c,
      meetings: [...c.meetings, meeting('followUp', T0 - HOUR), meeting('closing', T0 - HOUR)],
    };
    expect(actionAvailable(held, 'recordFollowUp', T0)).toBe(true);
    expect(actionAvailable(held, 'recordClosing', T0)).toBe(true);
  });

  it('books a follow-up only when none is waiting, a closing meeting only once', () => {
    const c = caseIn('training');
    expect(actionAvailable(c, 'scheduleFollowUp', T0)).toBe(true);
    expect(actionAvailable(c, 'scheduleClosing', T0)).toBe(true);
    const pending = {
      ...c,
      meetings: [...c.meetings, meeting('followUp', T0 + HOUR), meeting('closing', T0 + HOUR)],
    };
    expect(actionAvailable(pending, 'scheduleFollowUp', T0)).toBe(false);
    expect(actionAvailable(pending, 'scheduleClosing', T0)).toBe(false);
    const recorded = {
      ...c,
      meetings: [
        ...c.meetings,
        meeting('followUp', T0 - HOUR, { recordedAt: iso(T0) }),
        meeting('closing', T0 - HOUR, { recordedAt: iso(T0) }),
      ],
    };
    expect(actionAvailable(recorded, 'scheduleFollowUp', T0)).toBe(true);
    expect(actionAvailable(recorded, 'scheduleClosing', T0)).toBe(false);
    // A cancelled meeting is as if never booked.
    const cancelled = {
      ...c,
      meetings: [
        ...c.meetings,
        meeting('followUp', T0 + HOUR, { cancelledAt: iso(T0) }),
        meeting('closing', T0 + HOUR, { cancelledAt: iso(T0) }),
      ],
    };
    expect(actionAvailable(cancelled, 'scheduleFollowUp', T0)).toBe(true);
    expect(actionAvailable(cancelled, 'scheduleClosing', T0)).toBe(true);
    expect(actionAvailable(cancelled, 'recordFollowUp', T0 + 2 * HOUR)).toBe(false);
  });

  it('moves or cancels only meetings still booked', () => {
    const c = caseIn('training');
    expect(changeableMeetings(c)).toEqual([]);
    expect(actionAvailability(c, 'moveMeeting', T0)).toEqual({ available: false });
    expect(actionAvailability(c, 'cancelMeeting', T0)).toEqual({ available: false });
    const booked = meeting('followUp', T0 + HOUR);
    const withOne = {
      ...c,
      meetings: [
        ...c.meetings,
        meeting('closing', T0, { meetingId: 'closing-1', cancelledAt: iso(T0) }),
        booked,
      ],
    };
    expect(changeableMeetings(withOne).map((m) => m.meetingId)).toEqual([booked.meetingId]);
    expect(actionAvailability(withOne, 'moveMeeting', T0)).toEqual({ available: true });
    expect(actionAvailable(withOne, 'cancelMeeting', T0)).toBe(true);
  });

  it('leaves every other action to the step', () => {
    const c = caseIn('training');
    for (const action of ['recordTalk', 'logActivity', 'closeEarly', 'decideIntake'] as const)
      expect(actionAvailability(c, action, T0)).toEqual({ available: true });
  });
});
