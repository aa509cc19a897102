import { randomBytes } from 'node:crypto';
import { DAY_MS } from '#core/case';
import { exampleIdentityNumber } from '#core/personnummer';
import { caseIdOf, referralForm, submissionId, utcDay, virtualDay } from '#test/support/flows';
import { hostRepository } from '#test/support/host-repository';
import { Session, USERS } from '#test/support/session';
import { type Goal, result } from '../kit.ts';
import { allMails, executionNames, percentile, pool, settle, statusCounts } from '../support/races.ts';

/**
 * 1,000 distinct referrals at concurrency 50 (quick: 100 at 20) → as many cases, executions and
 * coordinator mails; 0 lost; the p50/p95 latency of the submit as the client saw it.
 *
 * Counted from the platform: the cases in DynamoDB (by the load's participant name), the
 * executions of those cases in Step Functions, the coordinators' "Ny anvisning" mails linking to
 * those cases in the local SES store (waited for with a deadline). Lost: a referral answered or
 * not, whose case, execution or coordinator mail is missing.
 */
export const goal: Goal = {
  name: 'referral-load',
  async run(ctx) {
    const host = ctx.host;
    const total = ctx.quick ? 100 : 1000;
    const concurrency = ctx.quick ? 20 : 50;
    const tag = randomBytes(3).toString('hex');
    const name = `Lasse Lastsson ${tag}`;
    ctx.personalData.add(name);
    // A distinct made-up person each: serials 1–900 on consecutive birth dates from a random day.
    const firstBirth = Date.parse('1960-01-01T00:00:00Z') + (parseInt(tag, 16) % 9000) * DAY_MS;
    const forms = Array.from({ length: total }, (_, i) => {
      const identityNumber = exampleIdentityNumber(
        (i % 900) + 1,
        utcDay(firstBirth + Math.floor(i / 900) * DAY_MS).replace(/-/g, ''),
      );
      ctx.personalData.add(identityNumber);
      return referralForm({
        submissionId: submissionId('load'),
        participantName: name,
        identityNumber,
        // No name in the address: a number and the run's tag.
        email: `p${i}.${tag}@example.se`,
        unitId: (['amiralen', 'remake', 'matmissionen'] as const)[i % 3],
        plannedStart: virtualDay(host, 14),
        plannedEnd: virtualDay(host, 200),
      });
    });

    const executionsBefore = new Set(await executionNames(host));
    const referrer = await new Session(host.baseUrl).signIn(USERS.referrer);
    const started = Date.now();
    const answers = await pool(forms, concurrency, async (form) => {
      const t0 = performance.now();
      try {
        const r = await referrer.post('/referrals', form);
        const ms = performance.now() - t0;
        await r.arrayBuffer();
        return { status: r.status, caseId: r.status === 303 ? caseIdOf(r) : '', ms };
      } catch (err) {
        ctx.log(`referral-load: request failed: ${(err as Error).message}`);
        return { status: 0, caseId: '', ms: performance.now() - t0 };
      }
    });
    const submitSeconds = (Date.now() - started) / 1000;
    const latencies = answers.filter((a) => a.status === 303).map((a) => a.ms);

    const repo = hostRepository(host);
    const cases = await settle(
      async () => {
        const out = [];
        let after: string | undefined;
        do {
          const page = await repo.listCases({ limit: 100, ...(after ? { after } : {}) });
          out.push(...page.items.filter((c) => c.participant.name === name));
          after = page.next;
        } while (after);
        return out;
      },
      (cs) => cs.length >= total,
      10_000,
    );
    const caseIds = new Set(cases.map((c) => c.caseId));
    const deadline = ctx.quick ? 90_000 : 300_000;
    const executions = await settle(
      async () =>
        (await executionNames(host))
          .filter((n) => !executionsBefore.has(n))
          .map((n) => /^case-([a-z0-9]+)-\d+$/.exec(n)?.[1] ?? '')
          .filter((id) => caseIds.has(id)),
      (ids) => ids.length >= caseIds.size,
      deadline,
      2_000,
    );
    const linked = (text: string) => /\/cases\/([a-z0-9]+)/.exec(text)?.[1] ?? '';
    const mailed = await settle(
      async () =>
        (await allMails(host))
          .filter((m) => /^Ny anvisning/.test(m.subject))
          .map((m) => linked(m.body.text ?? ''))
          .filter((id) => caseIds.has(id)),
      (ids) => ids.length >= caseIds.size,
      deadline,
      2_000,
    );
    const withExecution = new Set(executions);
    const withMail = new Set(mailed);
    const answeredIds = new Set(answers.map((a) => a.caseId).filter(Boolean));
    // Every referral sent: its case must be stored, running and announced.
    const complete = [...caseIds].filter((id) => withExecution.has(id) && withMail.has(id)).length;
    const lost = total - complete;
    const acknowledgedMissing = [...answeredIds].filter((id) => !caseIds.has(id)).length;
    const refused = answers.filter((a) => a.status !== 303);
    const p50 = percentile(latencies, 50);
    const p95 = percentile(latencies, 95);
    const pass =
      cases.length === total &&
      caseIds.size === total &&
      executions.length === total &&
      withExecution.size === total &&
      mailed.length === total &&
      withMail.size === total &&
      lost === 0 &&
      acknowledgedMissing === 0 &&
      refused.length === 0 &&
      answeredIds.size === total;
    if (!pass)
      ctx.log(
        `referral-load: answers ${statusCounts(answers.map((a) => a.status))}; ${executions.length} executions, ${mailed.length} mails (${withMail.size} cases)`,
      );
    return [
      result(
        `${total} distinct referrals at concurrency ${concurrency}`,
        `${caseIds.size} cases, ${executions.length} executions, ${mailed.length} mails, ${lost} lost; ` +
          `p50 ${Math.round(p50)} ms, p95 ${Math.round(p95)} ms (${(total / submitSeconds).toFixed(0)}/s; ` +
          `answers ${statusCounts(answers.map((a) => a.status))})`,
        `${total} cases, ${total} executions, ${total} mails, 0 lost; p50/p95 latency reported`,
        pass,
      ),
    ];
  },
};
