import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type CaseRecord, DAY_MS } from '#core/case';
import { ValidationError } from '#core/errors';
import { answerLink, hashToken, issueLink, LinkGoneError, openLink } from '#core/use-cases/participant-links';
import { caseIn, HOUR_MS, iso, meeting, T0, UNIT, world } from '#test/support/use-case-world';

const ID = 'case00000001';
const START = T0 + 2 * DAY_MS;

/** A case in training with a follow-up meeting two days ahead, invitation sent for sequence 1. */
function withFollowUp(over: Parameters<typeof meeting>[2] = {}, extra: Partial<CaseRecord> = {}) {
  const c = caseIn('training', ID, T0, extra);
  return {
    ...c,
    meetings: [
      ...c.meetings,
      meeting('followUp', START, { location: 'Rum 2', sequence: 1, invitationSentForSequence: 1, ...over }),
    ],
  };
}

async function setup(c: CaseRecord = withFollowUp(), units = [UNIT]) {
  const w = world({ units });
  await w.seed(c);
  const token = await issueLink(w.deps, c, 'followUp-1');
  return { w, token };
}

const VIEW = {
  meeting: { kind: 'followUp', start: iso(START), end: iso(START + HOUR_MS), location: 'Rum 2' },
  unitName: 'REMAKE',
  phone: '040-00 00 00',
  lang: 'sv',
};

const gone = async (p: Promise<unknown>) => {
  const err = await p.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(LinkGoneError);
  return err as LinkGoneError;
};

describe('issueLink', () => {
  it('stores only the hash of a random id, for the meeting’s current sequence', async () => {
    const w = world();
    const c = withFollowUp();
    w.clock.set(T0 + 5);
    const token = await issueLink(w.deps, c, 'followUp-1');
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(hashToken(token)).toBe(createHash('sha256').update(token).digest('hex'));
    expect([...w.repo.links.values()]).toEqual([
      {
        hash: hashToken(token),
        caseId: ID,
        meetingId: 'followUp-1',
        sequence: 1,
        createdAt: iso(T0 + 5),
        expiresAt: Math.floor((START + HOUR_MS) / 1000) + 30 * 86_400,
      },
    ]);
    expect(JSON.stringify([...w.repo.links.values()])).not.toContain(token);
    expect(await issueLink(w.deps, c, 'followUp-1')).not.toBe(token);
  });

  it('links to the study visit, and refuses a meeting the case does not have', async () => {
    const w = world();
    const c = caseIn('studyVisitInvited', ID, T0, {
      studyVisit: {
        ...caseIn('studyVisitInvited').studyVisit!,
        start: iso(START),
        end: iso(START + HOUR_MS),
        sequence: 2,
      },
    });
    await issueLink(w.deps, c, 'study-visit');
    expect([...w.repo.links.values()].map((l) => [l.meetingId, l.sequence])).toEqual([['study-visit', 2]]);
    await expect(issueLink(w.deps, c, 'closing-1')).rejects.toThrow('No meeting closing-1 to link to');
    await expect(issueLink(w.deps, caseIn('studyVisitScheduling'), 'study-visit')).rejects.toThrow(
      'No meeting study-visit to link to',
    );
  });
});

describe('openLink', () => {
  it('shows the meeting, the unit and its phone, in the participant’s language', async () => {
    const { w, token } = await setup();
    expect(await openLink(w.deps, token)).toEqual(VIEW);
    const en = await setup(withFollowUp({}, { participantLanguage: 'en' }), [{ ...UNIT, phone: undefined }]);
    const view = await openLink(en.w.deps, en.token);
    expect(view.lang).toBe('en');
    expect('phone' in view).toBe(false);
    const unknownUnit = await setup(withFollowUp({}, { unitId: 'nowhere' }));
    expect((await openLink(unknownUnit.w.deps, unknownUnit.token)).unitName).toBe('nowhere');
  });

  it('shows the study visit', async () => {
    const w = world();
    const c = caseIn('studyVisitInvited', ID, T0, {
      studyVisit: {
        ...caseIn('studyVisitInvited').studyVisit!,
        start: iso(START),
        end: iso(START + HOUR_MS),
        location: 'Butiken',
      },
    });
    await w.seed(c);
    const token = await issueLink(w.deps, c, 'study-visit');
    expect((await openLink(w.deps, token)).meeting).toEqual({
      kind: 'studyVisit',
      start: iso(START),
      end: iso(START + HOUR_MS),
      location: 'Butiken',
    });
  });

  it('is gone for an id that is not one, unknown, or of a case that is gone', async () => {
    const { w, token } = await setup();
    for (const t of ['', 'short', `${token}!`, 'x'.repeat(65)]) {
      const err = await gone(openLink(w.deps, t));
      expect(err).toMatchObject({
        reason: 'unknown',
        status: 410,
        name: 'LinkGoneError',
        message: 'Link gone: unknown',
      });
      expect(err.phone).toBeUndefined();
    }
    expect((await gone(openLink(w.deps, 'A'.repeat(22)))).reason).toBe('unknown');
    w.repo.cases.delete(ID);
    expect((await gone(openLink(w.deps, token))).reason).toBe('unknown');
  });

  it('is gone, with the unit’s phone, once the meeting is cancelled, moved, begun or answered', async () => {
    const cases: [string, CaseRecord, number][] = [
      ['cancelled', withFollowUp({ cancelledAt: iso(T0) }), T0],
      ['moved', withFollowUp({ sequence: 2 }), T0],
      ['passed', withFollowUp(), START],
      ['answered', withFollowUp({ participantAnswer: { sequence: 1, answer: 'coming', at: iso(T0) } }), T0],
    ];
    for (const [reason, c, now] of cases) {
      const w = world();
      await w.seed(c);
      const token = await issueLink(w.deps, withFollowUp(), 'followUp-1');
      w.clock.set(now);
      expect(await gone(openLink(w.deps, token))).toMatchObject({ reason, phone: '040-00 00 00' });
    }
    // A meeting no longer on the record counts as cancelled.
    const w = world();
    await w.seed(caseIn('training', ID));
    const token = await issueLink(w.deps, withFollowUp(), 'followUp-1');
    expect((await gone(openLink(w.deps, token))).reason).toBe('cancelled');
  });

  it('stays open a moment before the meeting, and after an answer to an earlier time', async () => {
    const { w, token } = await setup(
      withFollowUp({ participantAnswer: { sequence: 0, answer: 'otherTime', at: iso(T0 - DAY_MS) } }),
    );
    w.clock.set(START - 1);
    expect((await openLink(w.deps, token)).meeting.kind).toBe('followUp');
  });
});

describe('answerLink', () => {
  it('records the answer for this sequence; the first answer wins', async () => {
    const { w, token } = await setup();
    w.clock.set(T0 + 9);
    const r = await answerLink(w.deps, token, { answer: 'otherTime', message: '  Jag jobbar då  ' });
    expect(r).toEqual({ answer: 'otherTime', view: VIEW });
    const after = await w.get(ID);
    expect(after.meetings.at(-1)?.participantAnswer).toEqual({
      sequence: 1,
      answer: 'otherTime',
      message: 'Jag jobbar då',
      at: iso(T0 + 9),
    });
    expect(after.version).toBe(2);
    expect(await gone(answerLink(w.deps, token, { answer: 'coming' }))).toMatchObject({ reason: 'answered' });
    expect((await w.get(ID)).meetings.at(-1)?.participantAnswer?.answer).toBe('otherTime');
  });

  it('keeps no empty message, and answers for the study visit', async () => {
    const { w, token } = await setup();
    await answerLink(w.deps, token, { answer: 'coming', message: '' });
    expect((await w.get(ID)).meetings.at(-1)?.participantAnswer).toEqual({
      sequence: 1,
      answer: 'coming',
      at: iso(T0),
    });
    const w2 = world();
    const c = caseIn('studyVisitInvited', ID, T0, {
      studyVisit: {
        ...caseIn('studyVisitInvited').studyVisit!,
        start: iso(START),
        end: iso(START + HOUR_MS),
      },
    });
    await w2.seed(c);
    const t2 = await issueLink(w2.deps, c, 'study-visit');
    expect((await answerLink(w2.deps, t2, { answer: 'coming' })).answer).toBe('coming');
    expect((await w2.get(ID)).studyVisit?.participantAnswer).toEqual({
      sequence: 0,
      answer: 'coming',
      at: iso(T0),
    });
  });

  it('refuses an answer it cannot read, saving nothing', async () => {
    const { w, token } = await setup();
    for (const form of [{}, { answer: 'maybe' }, { answer: 'coming', message: 'x'.repeat(501) }]) {
      const err = await answerLink(w.deps, token, form).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
    }
    expect(
      ((await answerLink(w.deps, token, {}).catch((e: unknown) => e)) as ValidationError).issues,
    ).toEqual([{ field: 'answer', code: 'required' }]);
    expect((await w.get(ID)).version).toBe(1);
  });

  it('is gone when the link is, before reading the form', async () => {
    const { w, token } = await setup(withFollowUp({ cancelledAt: iso(T0) }));
    expect((await gone(answerLink(w.deps, token, {}))).reason).toBe('cancelled');
  });

  it('is gone when the meeting moved or was answered while the answer was on its way', async () => {
    for (const [reason, race] of [
      ['moved', (c: CaseRecord) => ((c.meetings.at(-1) as { sequence: number }).sequence = 2)],
      [
        'answered',
        (c: CaseRecord) => {
          const m = c.meetings.at(-1);
          if (m) m.participantAnswer = { sequence: 1, answer: 'coming', at: iso(T0) };
        },
      ],
    ] as const) {
      const { w, token } = await setup();
      // The second look-up of the unit happens after the link was checked again, before the write.
      let looks = 0;
      const listUnits = w.repo.listUnits.bind(w.repo);
      w.repo.listUnits = async () => {
        if (++looks === 2) {
          const c = await w.get(ID);
          race(c);
          await w.repo.saveCase({ ...c, version: c.version + 1 });
        }
        return listUnits();
      };
      expect(await gone(answerLink(w.deps, token, { answer: 'otherTime' }))).toMatchObject({
        reason,
        phone: '040-00 00 00',
      });
    }
  });
});
