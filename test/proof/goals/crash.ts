import type { CaseRecord } from '#core/case';
import { acceptForm, caseIdOf, sentTo, submitReferral } from '#test/support/flows';
import { pollUntil } from '#test/support/host';
import { hostRepository } from '#test/support/host-repository';
import { inbox, Session, type StoredMail, USERS } from '#test/support/session';
import { type Goal, result } from '../kit.ts';
import {
  activeCasesOf,
  caseOfMail,
  createUnit,
  duplicateMails,
  executionStatus,
  inBatches,
  personForm,
  runBirthDate,
  runTag,
  sfnOf,
  signInStaff,
} from '../support/faults.ts';

/**
 * `kill -9` of the local host process (the HTTP host and its functions, the workflow runtime and
 * the local SES) in the middle of a load of referral submissions and intake decisions, then a
 * restart on the same data folder. DynamoDB Local stands in for DynamoDB, which does not go down
 * with a function: it outlives the kill and is stopped with SIGTERM by the restart (a SIGKILL can
 * lose its last acknowledged write, which AWS DynamoDB never does).
 * Then:
 * - every action the host acknowledged (303 to the case) is in the record afterwards;
 * - every active case has a running execution (the restart's reconciliation starts those stored
 *   and never started, and continues stopped ones);
 * - every waiting step still waits: each case waits on a step, and the step's action still takes
 *   effect (the cases still at intake are accepted after the restart and move on);
 * - no mail is sent twice. SES has no idempotency key, so one window no mail service closes is
 *   left: a mail SES had accepted when the kill fell before its answer was recorded is sent again
 *   on retry (same UID and SEQUENCE: the calendar updates in place). Such a repeat is counted
 *   apart and may be at most one, with its first copy stored in the second of the kill.
 */
const COORDINATOR = 'karin.praktikansvarig@stadsmissionen.example';

type Action = { kind: 'submit'; form: Record<string, string> } | { kind: 'accept'; caseId: string };
type Outcome = { action: Action; acked: boolean; caseId?: string; status?: number; error?: string };

export const goal: Goal = {
  name: 'crash',
  async run(ctx) {
    const host = ctx.host;
    const repo = hostRepository(host);
    const sfn = sfnOf(host);
    const nWaiting = ctx.quick ? 12 : 40;
    const nNew = ctx.quick ? 24 : 120;
    const concurrency = ctx.quick ? 8 : 20;
    const tag = runTag();
    const birthDate = runBirthDate(tag);
    const [admin, referrer, coordinator] = await signInStaff(host);
    const unitId = await createUnit(admin, `Kraschenheten ${tag}`);
    const form = (i: number) =>
      personForm(ctx, { unitId, surname: 'Kraschsson', tag, serial: 1 + i, birthDate, i });

    // Cases waiting on their intake decision before the load.
    const waitingIds = await inBatches(
      Array.from({ length: nWaiting }, (_, i) => form(i)),
      8,
      (f) => submitReferral(referrer, f),
    );
    await pollUntil(
      'the cases before the load waiting on their intake decision',
      async () => {
        const cs = await Promise.all(waitingIds.map((id) => repo.getCase(id)));
        return cs.every((c) => c?.waiting?.step === 'intakeDecision') ? true : undefined;
      },
      90_000,
    );

    // The load: submissions and decisions interleaved; the kill when half are acknowledged.
    const actions: Action[] = [];
    for (let i = 0; i < Math.max(nNew, nWaiting); i++) {
      if (i < nNew) actions.push({ kind: 'submit', form: form(nWaiting + i) });
      if (i < nWaiting) actions.push({ kind: 'accept', caseId: waitingIds[i] as string });
    }
    const outcomes: Outcome[] = [];
    let killedAt = 0;
    const killAfter = Math.floor(actions.length / 2);
    const firstPid = host.pid;
    const kill = () => {
      if (killedAt) return;
      killedAt = Date.now();
      process.kill(firstPid, 'SIGKILL');
      ctx.log(`crash: kill -9 of host process ${firstPid} after ${outcomes.length} answers`);
    };
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < actions.length) {
          const action = actions[next++] as Action;
          try {
            const r =
              action.kind === 'submit'
                ? await referrer.post('/referrals', action.form)
                : await coordinator.post(`/cases/${action.caseId}/intake`, acceptForm());
            const location = r.headers.get('location') ?? '';
            const acked =
              r.status === 303 &&
              (action.kind === 'submit'
                ? caseIdOf(r) !== ''
                : location === `/cases/${action.caseId}?done=decideIntake`);
            await r.body?.cancel();
            outcomes.push({
              action,
              acked,
              status: r.status,
              ...(action.kind === 'submit' && acked ? { caseId: caseIdOf(r) } : {}),
            });
          } catch (err) {
            outcomes.push({ action, acked: false, error: (err as Error).message });
          }
          if (outcomes.filter((o) => o.acked).length >= killAfter) kill();
        }
      }),
    );
    kill(); // had every action been answered before the half, the kill still comes
    const acked = outcomes.filter((o) => o.acked);
    const refusedBeforeKill = outcomes.filter((o) => !o.acked && o.status !== undefined);
    await pollUntil(
      'the killed host to stop answering',
      async () => {
        try {
          await fetch(`${host.baseUrl}/health`, { signal: AbortSignal.timeout(500) });
          return undefined;
        } catch {
          return true;
        }
      },
      30_000,
    );
    const restartStarted = Date.now();
    await host.restart();
    const restartS = (Date.now() - restartStarted) / 1000;

    // 0 acknowledged actions lost.
    const lost: string[] = [];
    for (const o of acked) {
      const id = o.action.kind === 'submit' ? (o.caseId as string) : o.action.caseId;
      const c = await repo.getCase(id);
      if (!c) lost.push(`submission ${id}`);
      else if (o.action.kind === 'accept' && c.intake?.decision !== 'accepted') lost.push(`decision ${id}`);
    }

    // Every active case of the unit has its execution, and waits on a step.
    const karin = await new Session(host.baseUrl).signIn(USERS.coordinator);
    let active: CaseRecord[] = [];
    let withoutRun: string[] = [];
    let notWaiting: string[] = [];
    try {
      await pollUntil(
        'every active case running and waiting on a step after the restart',
        async () => {
          active = await activeCasesOf(repo, unitId);
          const runs = await Promise.all(active.map((c) => executionStatus(sfn, c.execution.name)));
          withoutRun = active.filter((_, i) => runs[i] !== 'RUNNING').map((c) => c.caseId);
          notWaiting = active.filter((c) => !c.waiting?.step).map((c) => c.caseId);
          return withoutRun.length === 0 && notWaiting.length === 0 ? true : undefined;
        },
        ctx.quick ? 90_000 : 240_000,
      );
    } catch {
      // reported below
    }
    const stored = active.length;
    const unacknowledgedStored = stored - nWaiting - acked.filter((o) => o.action.kind === 'submit').length;

    // The waits are live: every case still at intake is accepted now, and moves on.
    const atIntake = active.filter((c) => c.waiting?.step === 'intakeDecision').map((c) => c.caseId);
    const refusedAfter: string[] = [];
    await inBatches(atIntake, 8, async (id) => {
      const r = await karin.post(`/cases/${id}/intake`, acceptForm());
      await r.body?.cancel();
      if (r.status !== 303) refusedAfter.push(`${id}: ${r.status}`);
    });
    const allIds = active.map((c) => c.caseId);
    let stuck: string[] = allIds;
    try {
      await pollUntil(
        'every case past its intake decision',
        async () => {
          const cs = await Promise.all(allIds.map((id) => repo.getCase(id)));
          stuck = allIds.filter((_, i) => {
            const c = cs[i];
            return (
              c?.intake?.decision !== 'accepted' || !c.waiting?.step || c.waiting.step === 'intakeDecision'
            );
          });
          return stuck.length === 0 ? true : undefined;
        },
        ctx.quick ? 90_000 : 240_000,
      );
    } catch {
      // reported below
    }

    // Mail: each case's coordinators' notice once, and no mail twice.
    const ids = new Set(allIds);
    const mails = (await inbox(host.sesUrl)).filter((m) => ids.has(caseOfMail(m) ?? ''));
    const notices = (id: string) =>
      mails.filter(
        (m) => caseOfMail(m) === id && m.subject.startsWith('Ny anvisning') && sentTo(m, COORDINATOR),
      ).length;
    const duplicates = [...duplicateMails(mails).values()];
    const killSecond = Math.floor(killedAt / 1000);
    const inWindow = (ms: StoredMail[]) =>
      ms.length === 2 && Math.min(...ms.map((m) => m.at)) >= killSecond - 1;
    const windowRepeats = duplicates.filter(inWindow);
    const otherDuplicates = duplicates.filter((d) => !inWindow(d));
    // A notice repeated in the kill's SES window is counted there, not here.
    const repeatedInWindow = new Set(windowRepeats.map((d) => caseOfMail(d[0] as StoredMail)));
    const noticeNotOnce = allIds.filter(
      (id) => notices(id) !== 1 && !(notices(id) === 2 && repeatedInWindow.has(id)),
    );

    if (
      lost.length ||
      withoutRun.length ||
      notWaiting.length ||
      refusedAfter.length ||
      stuck.length ||
      noticeNotOnce.length ||
      otherDuplicates.length
    )
      ctx.log(
        `crash: lost ${lost.join(',')}; without run ${withoutRun.join(',')}; not waiting ${notWaiting.join(',')}; ` +
          `refused after ${refusedAfter.join(',')}; stuck ${stuck.join(',')}; notice not once ${noticeNotOnce.join(',')}; ` +
          `duplicates ${otherDuplicates.map((d) => d[0]?.subject).join(' | ')}`,
      );
    const submitted = acked.filter((o) => o.action.kind === 'submit').length;
    const decided = acked.length - submitted;
    return [
      result(
        `kill -9 of the host process during ${actions.length} submissions and intake decisions (concurrency ${concurrency}), then a restart`,
        `${acked.length} acknowledged before the kill (${submitted} submissions, ${decided} decisions), ${lost.length} lost; ` +
          `${refusedBeforeKill.length} answered otherwise, ${outcomes.length - acked.length - refusedBeforeKill.length} cut off; ` +
          `${unacknowledgedStored} stored unacknowledged; restart ${restartS.toFixed(1)} s; ` +
          `${stored - withoutRun.length}/${stored} active cases running, ${stored - notWaiting.length}/${stored} waiting on a step; ` +
          `${atIntake.length - refusedAfter.length}/${atIntake.length} still at intake accepted after the restart, ${stuck.length} stuck; ` +
          `${mails.length} mails: ${allIds.length - noticeNotOnce.length}/${allIds.length} notices once, ` +
          `${otherDuplicates.length} sent twice (${windowRepeats.length} repeat in the kill's SES window)`,
        '0 acknowledged actions lost; every active case has its execution; every waiting step still waits; no mail sent twice (at most the one SES had accepted in the instant of the kill)',
        refusedBeforeKill.length === 0 &&
          lost.length === 0 &&
          withoutRun.length === 0 &&
          notWaiting.length === 0 &&
          refusedAfter.length === 0 &&
          stuck.length === 0 &&
          noticeNotOnce.length === 0 &&
          otherDuplicates.length === 0 &&
          windowRepeats.length <= 1,
      ),
    ];
  },
};
