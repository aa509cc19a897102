/** A work place (arbetsplats) of the social enterprise. Units are data, not code. */
export interface Unit {
  unitId: string;
  name: string;
  description: string;
  tasks: string[];
  places: number;
  address: string;
  /** The unit's phone number, given to participants in mail. */
  phone?: string;
  /** Placement coordinators (praktikansvariga) who get the unit's referrals. */
  coordinatorEmails: string[];
  /** Supervisors (handledare) a coordinator can assign. */
  supervisors?: { name: string; email: string }[];
  /** Days between supervision talks (1–2 a month). */
  talkIntervalDays?: number;
  /** Days after a talk was due before the coordinator is told. */
  talkEscalationDays?: number;
  /** Days between follow-up meetings with the case officer (default every 8 weeks). */
  followUpIntervalDays?: number;
  /** Working-time ladder in percent of full time; the first two steps are below 50 %. */
  ladder?: number[];
  /** Weeks at a new level before the next increase. */
  landingWeeks?: number;
  /** Hours a week at 100 %. */
  fullTimeHours?: number;
  /** Increases with every edit in the console (optimistic concurrency); absent on seeded units. */
  version?: number;
}

export const DEFAULT_LADDER = [25, 40, 50, 75, 100] as const;

/** The unit's rules with the defaults filled in: what every rule reads. */
export interface UnitPolicy {
  talkIntervalDays: number;
  talkEscalationDays: number;
  followUpIntervalDays: number;
  ladder: number[];
  landingWeeks: number;
  fullTimeHours: number;
}

export function unitPolicy(u: Unit | undefined): UnitPolicy {
  const ladder = u?.ladder && isValidLadder(u.ladder) ? u.ladder : [...DEFAULT_LADDER];
  return {
    talkIntervalDays: u?.talkIntervalDays ?? 14,
    talkEscalationDays: u?.talkEscalationDays ?? 7,
    followUpIntervalDays: u?.followUpIntervalDays ?? 56,
    ladder,
    landingWeeks: u?.landingWeeks ?? 4,
    fullTimeHours: u?.fullTimeHours ?? 40,
  };
}

/** Strictly increasing whole percentages, ending at most at 100, whose first two steps are below 50. */
export function isValidLadder(ladder: readonly number[]): boolean {
  if (ladder.length < 2) return false;
  if (
    !ladder.every((p, i) => Number.isInteger(p) && p > 0 && p <= 100 && (i === 0 || p > (ladder[i - 1] ?? 0)))
  )
    return false;
  return (ladder[0] ?? 100) < 50 && (ladder[1] ?? 100) < 50;
}
