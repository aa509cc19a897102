import type { CaseRecord, Gender } from '#core/case';
import { DAY_MS } from '#core/case';
import { exampleIdentityNumber } from '#core/personnummer';
import { derivePhase } from '#core/process/derive';
import { newCaseRecord } from './records.ts';

/** A small deterministic PRNG (mulberry32): the same seed gives the same placements. */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FixtureWorld {
  units: { unitId: string; supervisors: { name: string; email: string }[]; ladder: number[] }[];
  organisations: { organisationId: string; name: string }[];
}

const STAGES = ['intake', 'queued', 'visit', 'training', 'paused', 'closing', 'after', 'closed'] as const;
const GENDERS: Gender[] = ['woman', 'man', 'nonBinary', 'woman', 'man'];

/**
 * A placement record in some phase of the process, consistent with how the process builds it
 * (derivePhase gives its phase back): for the console's tests and its benchmark.
 */
export function variedCase(
  i: number,
  now: number,
  world: FixtureWorld,
  rand: () => number,
  idPrefix: string,
): CaseRecord {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
  const caseId = `${idPrefix}${String(i).padStart(8, '0')}`.toLowerCase();
  const created = now - Math.floor(rand() * 700) * DAY_MS - Math.floor(rand() * DAY_MS);
  const c = newCaseRecord(caseId, created, i);
  const unit = pick(world.units);
  const org = pick(world.organisations);
  c.reference = `SV-${new Date(created).getUTCFullYear()}-${String(i).padStart(6, '0')}`;
  c.unitId = unit.unitId;
  c.organisationId = org.organisationId;
  c.caseOfficer = { ...c.caseOfficer, organisationId: org.organisationId, organisationName: org.name };
  c.participant.gender = pick(GENDERS);
  // A person of their own (the reports count people): born 1950–2009, from the index alone.
  const born = `${1950 + ((i * 7) % 60)}${String(1 + (i % 12)).padStart(2, '0')}${String(1 + ((i * 3) % 28)).padStart(2, '0')}`;
  c.participant.identityNumber = exampleIdentityNumber(1 + (i % 999), born).replace('-', '');
  const stage = pick(STAGES);
  const iso = (ms: number) => new Date(ms).toISOString();
  const at = (days: number) => iso(Math.min(now, created + days * DAY_MS));
  if (stage !== 'intake') {
    c.intake = { decision: 'accepted', decidedAt: at(1), decidedBy: 'k1' };
    c.notifiedCoordinatorsAt = at(0);
    c.entryStatistics = {
      labourMarketStatus: pick(['unemployed', 'longTermUnemployed', 'inactive', 'employed'] as const),
      education: pick(['isced0to2', 'isced3to4', 'isced5to8'] as const),
      disability: pick(['yes', 'no', 'undisclosed'] as const),
      foreignBackground: pick(['no', 'foreignBackground', 'thirdCountryNational', 'undisclosed'] as const),
      targetGroup: pick(['illHealthFirstTraining', 'nonNordicSwedish', 'formerParticipants'] as const),
    };
    c.place = stage === 'queued' ? { queuedAt: at(1) } : { assignedAt: at(1) };
  }
  if (['training', 'paused', 'closing', 'after', 'closed'].includes(stage)) {
    const organizer = { name: 'Karin', email: 'karin@example.se' };
    c.studyVisit = {
      start: at(5),
      end: at(5),
      location: 'x',
      organizer,
      sequence: 0,
      invitationSentForSequence: 0,
      outcome: 'wantsToStart',
      outcomeRecordedAt: at(6),
      outcomeRecordedBy: 'k1',
    };
    const sup = pick(unit.supervisors);
    c.supervisor = { name: sup.name, email: sup.email };
    const startDate = at(14).slice(0, 10);
    c.meetings.push({
      meetingId: 'startup-1',
      kind: 'startup',
      start: at(10),
      end: at(10),
      location: 'x',
      organizer,
      attendees: ['participant', 'supervisor'],
      sequence: 0,
      invitationSentForSequence: 0,
      scheduledAt: at(7),
      scheduledBy: 'k1',
      recordedAt: at(11),
    });
    c.plan = {
      goals: 'g',
      tasks: ['t'],
      percent: unit.ladder[0] ?? 25,
      hoursPerWeek: 10,
      adaptations: '',
      startDate,
      recordedAt: at(11),
      recordedBy: 's1',
    };
    const percent = pick(unit.ladder);
    c.workingTime = { percent, hoursPerWeek: (percent * 40) / 100, since: startDate };
    // The increases that brought it there, one ladder step at a time.
    const first = c.plan.percent;
    for (const step of unit.ladder.filter((p) => p > first && p <= percent))
      c.workingTimeHistory.push({
        percent: step,
        hoursPerWeek: (step * 40) / 100,
        since: startDate,
        kind: 'increase',
        decidedAt: at(20),
        decidedBy: 'r1',
      });
    c.talks = { count: Math.floor(rand() * 10), lastDate: at(30 + Math.floor(rand() * 300)).slice(0, 10) };
  }
  if (stage === 'visit') c.studyVisit = undefined;
  if (stage === 'paused') c.pauses.push({ startedAt: at(60), reason: 'care' });
  if (stage === 'closing') c.closing = { early: { reason: 'gotJob', note: '', at: at(90), by: 'k1' } };
  if (stage === 'after' || stage === 'closed') {
    const endedOn = at(120 + Math.floor(rand() * 300)).slice(0, 10);
    c.closing = {
      record: {
        summary: 's',
        evaluation: 'e',
        outcome: pick(['workWithoutSupport', 'studiesKomvux', 'jobSeeking', 'noRealisticNextStep'] as const),
        explanation: 'x',
        nextStepPlan: 'n',
        recordedAt: iso(Date.parse(endedOn)),
        recordedBy: 'k1',
      },
      endedOn,
    };
    if (c.place) c.place.releasedAt = iso(Date.parse(endedOn));
  }
  if (stage === 'closed') {
    c.status = 'closed';
    c.closure = {
      category: 'completed',
      reason: '',
      closedAt: iso(Date.parse(c.closing?.endedOn ?? at(400))),
    };
  }
  // Some are stuck: a step failed for good, or the run failed.
  const r = rand();
  if (c.status === 'active' && r < 0.04)
    c.problem = { state: 'SendInvitation', error: 'MailRejected', at: at(20) };
  else if (c.status === 'active' && r < 0.08)
    c.execution.failure = { status: 'FAILED', error: 'States.TaskFailed', at: at(20) };
  c.phase = derivePhase(c);
  c.updatedAt = iso(now);
  return c;
}
