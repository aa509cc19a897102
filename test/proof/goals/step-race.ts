import { randomBytes } from 'node:crypto';
import { exampleIdentityNumber } from '#core/personnummer';
import {
  acceptForm,
  pageText,
  referralForm,
  submitReferral,
  virtualDay,
  waitForStep,
} from '#test/support/flows';
import { pollUntil } from '#test/support/host';
import { hostRepository } from '#test/support/host-repository';
import { Session, USERS } from '#test/support/session';
import { type Goal, result } from '../kit.ts';
import { burst, executionArn, executionHistory, statusCounts } from '../support/races.ts';

/**
 * 50 parallel actions on one waiting step → exactly one takes effect, every other is answered
 * truthfully, 0 × 5xx.
 *
 * The step: the coordinator's intake decision on a new referral. At once, from two coordinators'
 * sessions: 20 identical acceptances, 15 acceptances with other ESF+ figures (another target
 * group) and 15 declines. In the record afterwards exactly one decision, made of one kind's
 * values; the workflow left the waiting step once (its history); the unit's places moved by at
 * most one. Every answer of the winning kind is "done" (303, same values: a repeat); every other
 * answer is a refusal that says the step was already done (409), never "done" for values that
 * were not recorded, never a 5xx.
 */
const PARALLEL = 50;
const STATE = 'AwaitIntakeDecision';
/** The refusals a losing action may truthfully get (functions/web/process-texts.ts, i18n.ts). */
const REFUSED = [
  /redan gjort med andra uppgifter\. Inget sparades/,
  /Ärendet är avslutat\. Inget sparades/,
  /redan gjort eller ändrat av någon annan/,
];

type Kind = 'same' | 'otherFigures' | 'decline';
/** 20, 15 and 15 of each kind, in a random order: any of them may come first. */
const shuffledKinds = (): Kind[] => {
  const kinds: Kind[] = Array.from({ length: PARALLEL }, (_, i) =>
    i < 20 ? 'same' : i < 35 ? 'otherFigures' : 'decline',
  );
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j] as Kind, kinds[i] as Kind];
  }
  return kinds;
};
const FORMS: Record<Kind, Record<string, string>> = {
  same: acceptForm(),
  otherFigures: { ...acceptForm(), targetGroup: 'nonNordicSwedish' },
  decline: { decision: 'declined', reason: 'Ingen handledare ledig under perioden' },
};

export const goal: Goal = {
  name: 'step-race',
  async run(ctx) {
    const host = ctx.host;
    const repo = hostRepository(host);
    const tag = randomBytes(3).toString('hex');
    const form = referralForm({
      participantName: `Rasmus Racesson ${tag}`,
      identityNumber: exampleIdentityNumber(1 + (parseInt(tag, 16) % 999), '19920304'),
      email: `rasmus.racesson.${tag}@example.se`,
      adaptationNeeds: `Tål inte buller ${tag}`,
      unitId: 'remake',
      plannedStart: virtualDay(host, 14),
      plannedEnd: virtualDay(host, 200),
    });
    for (const v of [form.participantName, form.identityNumber, form.email, form.adaptationNeeds])
      ctx.personalData.add(v);
    const referrer = await new Session(host.baseUrl).signIn(USERS.referrer);
    const coordinators = [
      await new Session(host.baseUrl).signIn(USERS.coordinator),
      await new Session(host.baseUrl).signIn(USERS.coordinator),
    ] as const;
    const caseId = await submitReferral(referrer, form);
    await waitForStep(coordinators[0], caseId, 'intakeDecision');
    const placesBefore = await repo.placesInUse('remake');
    const arn = await pollUntil('the case’s execution', () => executionArn(host, `case-${caseId}-1`));
    const raceStart = Date.now();

    const kinds = shuffledKinds();
    const answers = await burst(PARALLEL, async (i) => {
      const kind = kinds[i] as Kind;
      const r = await (coordinators[i % 2] as Session).post(`/cases/${caseId}/intake`, FORMS[kind]);
      return {
        kind,
        status: r.status,
        location: r.headers.get('location') ?? '',
        text: r.status === 303 ? '' : pageText(await r.text()),
      };
    });

    // The record once the workflow has moved on from the step.
    const after = await pollUntil(
      'the workflow to leave the intake step',
      async () => {
        const c = await repo.getCase(caseId);
        return c?.intake && c.waiting?.step !== 'intakeDecision' ? c : undefined;
      },
      60_000,
    );
    const winner: Kind | undefined =
      after.intake?.decision === 'declined'
        ? 'decline'
        : after.entryStatistics?.targetGroup === FORMS.same.targetGroup
          ? 'same'
          : after.entryStatistics?.targetGroup === FORMS.otherFigures.targetGroup
            ? 'otherFigures'
            : undefined;
    const placesAfter = await repo.placesInUse('remake');
    const exits = (await executionHistory(host, arn)).filter(
      (e) =>
        e.type === 'TaskStateExited' &&
        e.stateExitedEventDetails?.name === STATE &&
        (e.timestamp?.getTime() ?? 0) >= raceStart - 1_000,
    ).length;

    const done = `/cases/${caseId}?done=decideIntake`;
    const truthful = (a: (typeof answers)[number]) =>
      a.kind === winner
        ? a.status === 303 && a.location === done
        : // Refused: the step was done with other details, or (after a decline) the case is
          // closed; or a write race lost to the winner ("changed by someone else").
          a.status === 409 && REFUSED.some((re) => re.test(a.text));
    const untruthful = answers.filter((a) => !truthful(a));
    const fiveXx = answers.filter((a) => a.status >= 500).length;
    const effects = answers.filter((a) => a.status === 303 && a.kind !== winner).length;
    const placeMoves = placesAfter - placesBefore;
    const expectedPlaces = winner === 'decline' ? 0 : after.place?.assignedAt ? 1 : 0;
    const pass =
      winner !== undefined &&
      exits === 1 &&
      untruthful.length === 0 &&
      effects === 0 &&
      fiveXx === 0 &&
      placeMoves === expectedPlaces;
    if (!pass)
      ctx.log(
        `step-race: winner ${winner}, exits ${exits}, places ${placeMoves}; untruthful: ${untruthful
          .slice(0, 4)
          .map(
            (a) =>
              `${a.kind} ${a.status} ${a.location}${/Inget sparades|ändrat/.test(a.text) ? a.text.replace(/^.*?(\S+ \S+ \S+ \S+ \S+ \S+ \S+ \S+ (?:Inget sparades|ändrat)[^.]*\.).*$/, '$1') : a.text.slice(0, 300)}`,
          )
          .join(' | ')}`,
      );
    const byKind = (k: Kind) => statusCounts(answers.filter((a) => a.kind === k).map((a) => a.status));
    return [
      result(
        `${PARALLEL} parallel intake decisions on one waiting step (20 identical, 15 other figures, 15 declines)`,
        `${winner ? 1 : 0} decision recorded (${winner ?? 'none'}), step left ${exits}×, places +${placeMoves}; ` +
          `identical: ${byKind('same')}; other figures: ${byKind('otherFigures')}; declines: ${byKind('decline')}; ` +
          `${untruthful.length} untruthful, ${fiveXx} × 5xx`,
        'exactly one takes effect; every other answer truthful (a repeat "done", a conflict "already done", 409); 0 × 5xx',
        pass,
      ),
    ];
  },
};
