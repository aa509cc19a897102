import { describe, expect, it } from 'vitest';
import { TALK_POINTS } from '#core/case';
import type { FieldIssue } from '#core/errors';
import {
  parseActivity,
  parseAfterClosing,
  parseCloseEarly,
  parseClosing,
  parseFollowUp,
  parseIntake,
  parseParticipantAnswer,
  parsePlan,
  parseResume,
  parseTalk,
} from '#core/forms/actions';

/** The forms of the process's actions: every issue is a field and a code (the catalogue words it). */
const codes = (r: { ok: true } | { ok: false; issues: FieldIssue[] }) =>
  r.ok ? [] : r.issues.map((i) => `${i.field}:${i.code}`);
const long = (n: number) => 'x'.repeat(n);

describe('parseIntake', () => {
  const entry = {
    labourMarketStatus: ' unemployed ',
    education: 'isced5to8',
    disability: 'no',
    foreignBackground: 'foreignBackground',
  };

  it('reads an acceptance with the ESF+ entry figures', () => {
    expect(parseIntake({ decision: 'accepted', reason: 'ignored', ...entry })).toEqual({
      ok: true,
      value: {
        decision: 'accepted',
        entry: {
          labourMarketStatus: 'unemployed',
          education: 'isced5to8',
          disability: 'no',
          foreignBackground: 'foreignBackground',
        },
      },
    });
  });

  it('needs every entry figure, from its list, with an acceptance', () => {
    expect(codes(parseIntake({ decision: 'accepted' }))).toEqual([
      'labourMarketStatus:required',
      'education:required',
      'disability:required',
      'foreignBackground:required',
    ]);
    expect(codes(parseIntake({ decision: 'accepted', ...entry, education: 'isced9' }))).toEqual([
      'education:required',
    ]);
  });

  it('reads a decline with its reason and no figures', () => {
    expect(parseIntake({ decision: 'declined', reason: '  Ingen plats  ', ...entry })).toEqual({
      ok: true,
      value: { decision: 'declined', reason: 'Ingen plats' },
    });
    expect(codes(parseIntake({ decision: 'declined', reason: '   ' }))).toEqual(['reason:required']);
    expect(codes(parseIntake({ decision: 'declined' }))).toEqual(['reason:required']);
  });

  it("reads the project's target group when given, and names one the project does not have", () => {
    const r = parseIntake({ decision: 'accepted', ...entry, targetGroup: ' nonNordicSwedish ' });
    expect(r.ok && 'entry' in r.value && r.value.entry).toEqual({
      labourMarketStatus: 'unemployed',
      education: 'isced5to8',
      disability: 'no',
      foreignBackground: 'foreignBackground',
      targetGroup: 'nonNordicSwedish',
    });
    // Optional: a case without it counts as "not recorded" in the reports.
    const none = parseIntake({ decision: 'accepted', ...entry, targetGroup: '' });
    expect(none.ok && 'entry' in none.value && 'targetGroup' in none.value.entry).toBe(false);
    expect(codes(parseIntake({ decision: 'accepted', ...entry, targetGroup: 'everyone' }))).toEqual([
      'targetGroup:format',
    ]);
  });

  it('needs a decision and keeps the reason within 2000 characters', () => {
    expect(codes(parseIntake({}))).toEqual(['decision:required']);
    expect(codes(parseIntake({ decision: 'maybe', ...entry }))).toEqual(['decision:required']);
    const r = parseIntake({ decision: 'declined', reason: long(2001) });
    expect(r).toEqual({ ok: false, issues: [{ field: 'reason', code: 'length', params: { max: 2000 } }] });
    expect(parseIntake({ decision: 'declined', reason: long(2000) }).ok).toBe(true);
  });
});

describe('parsePlan', () => {
  const plan = {
    goals: ' Komma igång ',
    tasks: 'sy\n packa \n\n',
    percent: ' 25 ',
    adaptations: '',
    startDate: '2027-03-01',
  };

  it('reads the plan: tasks one a line, the percent as a number', () => {
    expect(parsePlan(plan)).toEqual({
      ok: true,
      value: {
        goals: 'Komma igång',
        tasks: ['sy', 'packa'],
        percent: 25,
        adaptations: '',
        startDate: '2027-03-01',
      },
    });
  });

  it('reports every missing field at once', () => {
    expect(codes(parsePlan({}))).toEqual([
      'goals:required',
      'percent:percent',
      'startDate:date',
      'tasks:required',
    ]);
    expect(codes(parsePlan({ ...plan, tasks: ' \n ' }))).toEqual(['tasks:required']);
  });

  it('takes a whole percent from 1 to 100 and a real date', () => {
    for (const p of ['1', '100', '040']) expect(parsePlan({ ...plan, percent: p }).ok).toBe(true);
    for (const p of ['0', '101', '1000', '2.5', '-5', 'x', ''])
      expect(codes(parsePlan({ ...plan, percent: p }))).toEqual(['percent:percent']);
    expect(codes(parsePlan({ ...plan, startDate: '2027-02-30' }))).toEqual(['startDate:date']);
    expect(codes(parsePlan({ ...plan, startDate: '1 mars' }))).toEqual(['startDate:date']);
  });

  it('keeps texts within their limits', () => {
    expect(parsePlan({ ...plan, goals: long(2001), adaptations: long(2001) })).toEqual({
      ok: false,
      issues: [
        { field: 'goals', code: 'length', params: { max: 2000 } },
        { field: 'adaptations', code: 'length', params: { max: 2000 } },
      ],
    });
    expect(parsePlan({ ...plan, goals: long(2000), adaptations: long(2000) }).ok).toBe(true);
  });
});

describe('parseTalk', () => {
  const points = Object.fromEntries(TALK_POINTS.map((p) => [p, ` Om ${p} `]));

  it('reads the date, the decline flag and the seven points', () => {
    expect(
      parseTalk({ formId: 'talk-form-0001', date: '2027-03-01', capacityDeclined: 'yes', ...points }),
    ).toEqual({
      ok: true,
      value: {
        formId: 'talk-form-0001',
        date: '2027-03-01',
        capacityDeclined: true,
        points: Object.fromEntries(TALK_POINTS.map((p) => [p, `Om ${p}`])),
      },
    });
  });

  it('takes empty points and no form id', () => {
    const r = parseTalk({ date: '2027-03-01', capacityDeclined: 'no' });
    expect(r).toEqual({
      ok: true,
      value: {
        formId: undefined,
        date: '2027-03-01',
        capacityDeclined: false,
        points: Object.fromEntries(TALK_POINTS.map((p) => [p, ''])),
      },
    });
  });

  it('refuses a bad form id, date or flag and a point too long', () => {
    expect(codes(parseTalk({}))).toEqual(['date:date', 'capacityDeclined:required']);
    expect(
      codes(
        parseTalk({ formId: 'short', date: '2027-03-01', capacityDeclined: 'maybe', challenges: long(2001) }),
      ),
    ).toEqual(['formId:format', 'capacityDeclined:required', 'challenges:length']);
    expect(
      codes(parseTalk({ formId: 'talk_form_0001', date: '2027-03-01', capacityDeclined: 'no' })),
    ).toEqual(['formId:format']);
    expect(codes(parseTalk({ formId: long(65), date: '2027-03-01', capacityDeclined: 'no' }))).toEqual([
      'formId:format',
    ]);
    expect(parseTalk({ formId: long(64), date: '2027-03-01', capacityDeclined: 'no' }).ok).toBe(true);
    expect(parseTalk({ formId: 'abcd-123', date: '2027-03-01', capacityDeclined: 'no' }).ok).toBe(true);
  });
});

describe('parseFollowUp', () => {
  const fu = {
    participantPresent: 'yes',
    caseOfficerPresent: 'no',
    summary: ' Landat ',
    decision: 'increase',
    newPercent: ' 40 ',
    reason: '',
    tasks: 'sy\npacka',
  };

  it('reads the decision with the new level and the tasks', () => {
    expect(parseFollowUp(fu)).toEqual({
      ok: true,
      value: {
        participantPresent: true,
        caseOfficerPresent: false,
        summary: 'Landat',
        decision: 'increase',
        newPercent: 40,
        tasks: ['sy', 'packa'],
      },
    });
  });

  it('keeps a reason, and no level when none is given', () => {
    expect(parseFollowUp({ ...fu, decision: 'pause', newPercent: '', reason: ' Vård ', tasks: '' })).toEqual({
      ok: true,
      value: {
        participantPresent: true,
        caseOfficerPresent: false,
        summary: 'Landat',
        decision: 'pause',
        reason: 'Vård',
        tasks: [],
      },
    });
  });

  it('needs the new level for an increase or a decrease', () => {
    expect(codes(parseFollowUp({ ...fu, newPercent: ' ' }))).toEqual(['newPercent:required']);
    expect(codes(parseFollowUp({ ...fu, decision: 'decrease', newPercent: undefined }))).toEqual([
      'newPercent:required',
    ]);
    expect(parseFollowUp({ ...fu, decision: 'noChange', newPercent: '' }).ok).toBe(true);
    expect(codes(parseFollowUp({ ...fu, decision: 'noChange', newPercent: '0' }))).toEqual([
      'newPercent:percent',
    ]);
  });

  it('reports every problem at once', () => {
    expect(codes(parseFollowUp({}))).toEqual([
      'participantPresent:required',
      'caseOfficerPresent:required',
      'summary:required',
      'decision:required',
    ]);
    expect(codes(parseFollowUp({ ...fu, summary: long(4001), reason: long(2001) }))).toEqual([
      'summary:length',
      'reason:length',
    ]);
    expect(parseFollowUp({ ...fu, summary: long(4000), reason: long(2000) }).ok).toBe(true);
  });
});

describe('parseResume', () => {
  it('reads the statement and the levels as numbers', () => {
    expect(
      parseResume({ statementDate: '2027-03-01', maxPercent: '50', percent: ' 40', avoidTasks: ' Lyft ' }),
    ).toEqual({
      ok: true,
      value: { statementDate: '2027-03-01', maxPercent: 50, percent: 40, avoidTasks: 'Lyft' },
    });
  });

  it('names the doctor’s cap in the same round as the other fields’ errors', () => {
    expect(parseResume({ statementDate: '', maxPercent: ' 50 ', percent: '60', avoidTasks: '' })).toEqual({
      ok: false,
      issues: [
        { field: 'statementDate', code: 'date' },
        { field: 'percent', code: 'aboveCap', params: { cap: 50 } },
      ],
    });
    expect(codes(parseResume({ statementDate: '', maxPercent: '50', percent: '50' }))).toEqual([
      'statementDate:date',
    ]);
    expect(codes(parseResume({ statementDate: '', maxPercent: 'x', percent: '60' }))).toEqual([
      'statementDate:date',
      'maxPercent:percent',
    ]);
    expect(codes(parseResume({ statementDate: '', maxPercent: '50', percent: '600' }))).toEqual([
      'statementDate:date',
      'percent:percent',
    ]);
  });

  it('refuses what it cannot read', () => {
    expect(codes(parseResume({}))).toEqual(['statementDate:date', 'maxPercent:percent', 'percent:percent']);
    expect(
      codes(
        parseResume({ statementDate: '2027-03-01', maxPercent: '50', percent: '40', avoidTasks: long(1001) }),
      ),
    ).toEqual(['avoidTasks:length']);
  });
});

describe('the small forms', () => {
  it('reads an activity', () => {
    expect(
      parseActivity({ formId: 'activity-0001', kind: 'jobFair', date: '2027-03-01', note: ' Mässa ' }),
    ).toEqual({
      ok: true,
      value: { formId: 'activity-0001', kind: 'jobFair', date: '2027-03-01', note: 'Mässa' },
    });
    expect(codes(parseActivity({ kind: 'party', date: '', note: long(501) }))).toEqual([
      'kind:required',
      'date:date',
      'note:length',
    ]);
  });

  it('reads an early closing', () => {
    expect(parseCloseEarly({ reason: 'gotJob', note: '' })).toEqual({
      ok: true,
      value: { reason: 'gotJob', note: '' },
    });
    expect(codes(parseCloseEarly({ reason: 'bored', note: long(1001) }))).toEqual([
      'reason:required',
      'note:length',
    ]);
  });

  it('reads a closing, with the explanation "no realistic next step" needs', () => {
    const closing = {
      summary: 'S',
      evaluation: 'E',
      outcome: 'studiesSfi',
      explanation: '',
      nextStepPlan: 'SFI',
    };
    expect(parseClosing(closing)).toEqual({ ok: true, value: closing });
    expect(codes(parseClosing({ ...closing, outcome: 'noRealisticNextStep', explanation: ' ' }))).toEqual([
      'explanation:required',
    ]);
    expect(parseClosing({ ...closing, outcome: 'noRealisticNextStep', explanation: 'Vård först' }).ok).toBe(
      true,
    );
    expect(codes(parseClosing({ outcome: 'noRealisticNextStep' }))).toEqual([
      'summary:required',
      'evaluation:required',
      'nextStepPlan:required',
      'explanation:required',
    ]);
    expect(codes(parseClosing({ ...closing, outcome: 'rich', nextStepPlan: long(2001) }))).toEqual([
      'outcome:required',
      'nextStepPlan:length',
    ]);
  });

  it('reads whether a qualification was gained: yes, no, or not answered', () => {
    expect(parseAfterClosing({ outcome: 'studiesSfi', note: '', qualificationGained: 'yes' })).toEqual({
      ok: true,
      value: { outcome: 'studiesSfi', note: '', qualificationGained: true },
    });
    expect(parseAfterClosing({ outcome: 'studiesSfi', note: '', qualificationGained: 'no' })).toEqual({
      ok: true,
      value: { outcome: 'studiesSfi', note: '', qualificationGained: false },
    });
    expect(
      codes(parseAfterClosing({ outcome: 'studiesSfi', note: '', qualificationGained: 'maybe' })),
    ).toEqual(['qualificationGained:format']);
  });

  it('reads an answer after closing', () => {
    expect(parseAfterClosing({ outcome: 'jobSeeking', note: ' Söker ' })).toEqual({
      ok: true,
      value: { outcome: 'jobSeeking', note: 'Söker' },
    });
    expect(parseAfterClosing({ outcome: 'jobSeeking', note: '', which: 'sixMonths' })).toEqual({
      ok: true,
      value: { outcome: 'jobSeeking', note: '', which: 'sixMonths' },
    });
    expect(codes(parseAfterClosing({ outcome: 'jobSeeking', note: '', which: 'oneYear' }))).toEqual([
      'which:format',
    ]);
    expect(codes(parseAfterClosing({ outcome: '', note: long(1001) }))).toEqual([
      'outcome:required',
      'note:length',
    ]);
  });
});

describe('parseParticipantAnswer', () => {
  it('reads coming or another time, with a short message if any', () => {
    expect(parseParticipantAnswer({ answer: 'coming' })).toEqual({
      ok: true,
      value: { answer: 'coming', message: undefined },
    });
    expect(parseParticipantAnswer({ answer: 'otherTime', message: '  Jobbar  ' })).toEqual({
      ok: true,
      value: { answer: 'otherTime', message: 'Jobbar' },
    });
    expect(parseParticipantAnswer({ answer: 'otherTime', message: '   ' })).toEqual({
      ok: true,
      value: { answer: 'otherTime', message: undefined },
    });
  });

  it('refuses anything else', () => {
    expect(codes(parseParticipantAnswer({}))).toEqual(['answer:required']);
    expect(codes(parseParticipantAnswer({ answer: 'no', message: long(501) }))).toEqual([
      'answer:required',
      'message:length',
    ]);
    expect(parseParticipantAnswer({ answer: 'coming', message: long(500) }).ok).toBe(true);
  });
});
