import { randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { exampleIdentityNumber } from '#core/personnummer';
import { caseIdOf, pageText, referralForm, virtualDay, virtualNow } from '#test/support/flows';
import type { TestHost } from '#test/support/host';
import { hostRepository } from '#test/support/host-repository';
import { Session, USERS } from '#test/support/session';
import { type Goal, result } from '../kit.ts';
import { allMails, burst, executionNames, hostDocument, settle, statusCounts } from '../support/races.ts';

/**
 * 50 parallel identical referral submissions (the same form instance, so the same submission id)
 * → 1 case, 1 execution, 1 coordinator mail, 1 reference number used.
 *
 * Counted from the platform: the cases of the person in DynamoDB, the year's reference counter,
 * the executions in Step Functions, the coordinators' mails in the local SES store. Every answer
 * must be truthful: a 303 to the one case, which is stored when the answer arrives (read at
 * once), or a 409 that says the same referral is being sent and to send it again (Retry-After);
 * never a 5xx. Afterwards the form is sent once more, as a person would after a 409: the same case.
 */
const PARALLEL = 50;

export const goal: Goal = {
  name: 'idempotent-referral',
  async run(ctx) {
    const host = ctx.host;
    const repo = hostRepository(host);
    const tag = randomBytes(3).toString('hex');
    const form = referralForm({
      participantName: `Idem Potensson ${tag}`,
      identityNumber: exampleIdentityNumber(1 + (parseInt(tag, 16) % 999), '19870623'),
      email: `idem.potensson.${tag}@example.se`,
      adaptationNeeds: `Behöver hörselslinga ${tag}`,
      unitId: 'amiralen',
      plannedStart: virtualDay(host, 14),
      plannedEnd: virtualDay(host, 200),
    });
    for (const v of [form.participantName, form.identityNumber, form.email, form.adaptationNeeds])
      ctx.personalData.add(v);
    const year = new Date(virtualNow(host)).getUTCFullYear();
    const counterBefore = await referenceCounter(host, year);
    const executionsBefore = new Set(await executionNames(host));
    const mailsBefore = new Set((await allMails(host)).map((m) => m.messageId));

    const referrer = await new Session(host.baseUrl).signIn(USERS.referrer);
    // Each answer as the client got it; a 303's case is read from DynamoDB the moment it arrives.
    const answers = await burst(PARALLEL, async () => {
      const r = await referrer.post('/referrals', form);
      const caseId = r.status === 303 ? caseIdOf(r) : '';
      const storedAtAnswer = caseId ? !!(await repo.getCase(caseId)) : false;
      const text = r.status === 303 ? '' : pageText(await r.text());
      return { status: r.status, caseId, storedAtAnswer, retryAfter: r.headers.get('retry-after'), text };
    });
    // As a person does after "send it again": the same form once more.
    const resend = await referrer.post('/referrals', form);
    const resendCase = resend.status === 303 ? caseIdOf(resend) : '';

    const ok = answers.filter((a) => a.status === 303);
    const retry = answers.filter(
      (a) =>
        a.status === 409 &&
        Number(a.retryAfter) > 0 &&
        /skickas redan/.test(a.text) &&
        /skicka igen/i.test(a.text),
    );
    const untruthful = answers.filter((a) => !ok.includes(a) && !retry.includes(a));
    const fiveXx = answers.filter((a) => a.status >= 500).length + (resend.status >= 500 ? 1 : 0);
    const answeredCases = new Set([...ok.map((a) => a.caseId), resendCase].filter(Boolean));
    const notStoredAtAnswer = ok.filter((a) => !a.storedAtAnswer).length;

    // The references the answers showed: the case each 303 (and the resend) led to, as its page's API gives it.
    const shown = new Set<string>();
    for (const caseId of answeredCases) {
      const r = await referrer.get(`/api/cases/${caseId}`);
      if (r.status === 200) shown.add(((await r.json()) as { reference: string }).reference);
    }

    // What the platform holds for this person.
    const identity = form.identityNumber.replace(/\D/g, '');
    const cases = (await allCases(repo)).filter((c) => c.participant.identityNumber === identity);
    const caseIds = cases.map((c) => c.caseId);
    const counterAfter = await referenceCounter(host, year);
    const executions = await settle(
      async () => (await executionNames(host)).filter((n) => !executionsBefore.has(n)),
      (names) => names.length >= Math.max(1, caseIds.length),
      30_000,
    );
    // Until a coordinator mail about each case has come, then a little longer for any duplicate.
    const coordinatorMails = async () =>
      (await allMails(host)).filter(
        (m) =>
          !mailsBefore.has(m.messageId) &&
          /^Ny anvisning/.test(m.subject) &&
          caseIds.some((id) => (m.body.text ?? '').includes(`/cases/${id}`)),
      );
    await settle(coordinatorMails, (ms) => ms.length >= Math.max(1, caseIds.length), 30_000);
    await new Promise((r) => setTimeout(r, 2_000));
    const mails = await coordinatorMails();
    const ourExecutions = executions.filter((n) => caseIds.some((id) => n.startsWith(`case-${id}-`)));

    const used = counterAfter - counterBefore;
    const pass =
      cases.length === 1 &&
      executions.length === 1 &&
      ourExecutions.length === 1 &&
      mails.length === 1 &&
      used === 1 &&
      shown.size === 1 &&
      cases[0]?.reference === [...shown][0] &&
      answeredCases.size === 1 &&
      answeredCases.has(cases[0]?.caseId ?? '') &&
      untruthful.length === 0 &&
      notStoredAtAnswer === 0 &&
      fiveXx === 0 &&
      resend.status === 303;
    if (!pass)
      ctx.log(
        `idempotent-referral: answers ${statusCounts(answers.map((a) => a.status))}; untruthful: ${untruthful
          .slice(0, 3)
          .map((a) => `${a.status} ${a.text.slice(0, 120)}`)
          .join(' | ')}; resend ${resend.status}; executions ${executions.join(', ')}`,
      );
    return [
      result(
        `${PARALLEL} parallel identical referral submissions`,
        `${cases.length} case, ${executions.length} execution, ${mails.length} coordinator mail, ` +
          `${used} reference used (${shown.size} shown); answers ${statusCounts(answers.map((a) => a.status))}` +
          ` (${untruthful.length} untruthful, ${notStoredAtAnswer} success before stored, ${fiveXx} × 5xx); resend ${resend.status}`,
        '1 case, 1 execution, 1 coordinator mail, 1 reference number used; every answer the case (303) or "being sent, send again" (409), 0 × 5xx',
        pass,
      ),
    ];
  },
};

async function allCases(repo: ReturnType<typeof hostRepository>) {
  const out = [];
  let after: string | undefined;
  do {
    const page = await repo.listCases({ limit: 100, ...(after ? { after } : {}) });
    out.push(...page.items);
    after = page.next;
  } while (after);
  return out;
}

/** The year's reference counter as DynamoDB holds it (0 before the first referral). */
async function referenceCounter(host: TestHost, year: number) {
  const out = await hostDocument(host).send(
    new GetCommand({
      TableName: 'stegvis',
      Key: { pk: `COUNTER#reference#${year}`, sk: 'COUNTER' },
      ConsistentRead: true,
    }),
  );
  return Number(out.Item?.n ?? 0);
}
