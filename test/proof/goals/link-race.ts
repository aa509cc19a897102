import { randomBytes } from 'node:crypto';
import { DAY_MS } from '#core/case';
import { exampleIdentityNumber } from '#core/personnummer';
import {
  acceptReferral,
  meetingFields,
  meetingTime,
  pageText,
  referralForm,
  sentTo,
  submitReferral,
  virtualDay,
  waitForMail,
  waitForStep,
} from '#test/support/flows';
import { hostRepository } from '#test/support/host-repository';
import { Session, USERS } from '#test/support/session';
import { type Goal, result } from '../kit.ts';
import { burst, statusCounts } from '../support/races.ts';

/**
 * 50 parallel POSTs on one participant link → exactly one answer recorded.
 *
 * The link comes as a participant gets it: in their study-visit invitation. At once, without
 * cookies (a participant has no account): 25 × "coming" and 25 × "another time" with a message.
 * Afterwards the record holds one answer, the one of the single request answered "we have your
 * answer" (200); every other request was told the link was already answered (410) or, had it
 * lost a write race, that the step changed (409); 0 × 5xx; and the link answers 410 from then on.
 */
const PARALLEL = 50;

export const goal: Goal = {
  name: 'link-race',
  async run(ctx) {
    const host = ctx.host;
    const tag = randomBytes(3).toString('hex');
    const email = `linnea.lankqvist.${tag}@example.se`;
    const form = referralForm({
      participantName: `Linnea Länkqvist ${tag}`,
      identityNumber: exampleIdentityNumber(1 + (parseInt(tag, 16) % 999), '19951130'),
      email,
      adaptationNeeds: `Migrän, behöver mörkt rum ${tag}`,
      unitId: 'matmissionen',
      plannedStart: virtualDay(host, 14),
      plannedEnd: virtualDay(host, 200),
    });
    const message = `Kan bara på eftermiddagar ${tag}`;
    for (const v of [form.participantName, form.identityNumber, email, form.adaptationNeeds, message])
      ctx.personalData.add(v);
    const referrer = await new Session(host.baseUrl).signIn(USERS.referrer);
    const coordinator = await new Session(host.baseUrl).signIn(USERS.coordinator);
    const caseId = await submitReferral(referrer, form);
    await acceptReferral(coordinator, caseId);
    await waitForStep(coordinator, caseId, 'studyVisitProposal');
    const visit = meetingTime(host, { fromNow: 3 * DAY_MS });
    const proposed = await coordinator.post(`/cases/${caseId}/study-visit`, meetingFields(visit));
    if (proposed.status !== 303) throw new Error(`study visit refused: ${proposed.status}`);
    const mail = await waitForMail(host, 'the participant’s study-visit invitation', (m) => sentTo(m, email));
    const link = /\/m\/[A-Za-z0-9_-]{22,64}/.exec(mail.body.text ?? '')?.[0];
    if (!link) throw new Error('no link in the participant’s invitation');

    const answers = await burst(PARALLEL, async (i) => {
      const kind = i % 2 === 0 ? 'coming' : 'otherTime';
      const r = await fetch(`${host.baseUrl}${link}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: host.baseUrl },
        body: new URLSearchParams(
          kind === 'coming' ? { answer: kind, message: '' } : { answer: kind, message },
        ).toString(),
      });
      return { kind, status: r.status, text: pageText(await r.text()) };
    });
    const afterwards = await fetch(`${host.baseUrl}${link}`, { redirect: 'manual' });

    const c = await hostRepository(host).getCase(caseId);
    const recorded = c?.studyVisit?.participantAnswer;
    const taken = answers.filter((a) => a.status === 200 && /Vi har fått ditt svar/.test(a.text));
    const refused = answers.filter(
      (a) =>
        (a.status === 410 && /redan registrerat/.test(a.text)) ||
        (a.status === 409 && /ändrat av någon annan/.test(a.text)),
    );
    const untruthful = answers.filter((a) => !taken.includes(a) && !refused.includes(a));
    const fiveXx = answers.filter((a) => a.status >= 500).length;
    const winner = taken[0];
    const matches =
      !!recorded &&
      !!winner &&
      recorded.answer === winner.kind &&
      (recorded.message ?? '') === (winner.kind === 'otherTime' ? message : '');
    const pass =
      taken.length === 1 && matches && untruthful.length === 0 && fiveXx === 0 && afterwards.status === 410;
    if (!pass)
      ctx.log(
        `link-race: recorded ${recorded?.answer ?? 'nothing'}; untruthful: ${untruthful
          .slice(0, 3)
          .map((a) => `${a.status} ${a.text.slice(0, 160)}`)
          .join(' | ')}`,
      );
    return [
      result(
        `${PARALLEL} parallel POSTs on one participant link (25 coming, 25 another time)`,
        `${recorded ? 1 : 0} answer recorded (${recorded?.answer ?? 'none'}, ${matches ? 'the one answered 200' : 'not the one answered 200'}); ` +
          `answers ${statusCounts(answers.map((a) => a.status))}; ${untruthful.length} untruthful, ${fiveXx} × 5xx; link afterwards ${afterwards.status}`,
        'exactly one answer recorded; every other POST told it was already answered; 0 × 5xx',
        pass,
      ),
    ];
  },
};
