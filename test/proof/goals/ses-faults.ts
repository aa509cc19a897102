import type { CaseRecord } from '#core/case';
import {
  DAY_MS,
  expectDone,
  meetingFields,
  meetingTime,
  pageText,
  sentTo,
  submitReferral,
} from '#test/support/flows';
import { pollUntil } from '#test/support/host';
import { hostRepository } from '#test/support/host-repository';
import { inbox, type StoredMail } from '#test/support/session';
import { type Goal, result } from '../kit.ts';
import {
  alarmFires,
  alarmOn,
  caseOfMail,
  createUnit,
  duplicateMails,
  emfPoints,
  inBatches,
  type LedgerEntry,
  mailFaultsOff,
  mailLedger,
  personForm,
  runBirthDate,
  runTag,
  setMailFaults,
  signInStaff,
} from '../support/faults.ts';

/**
 * SES failing 30 % of calls (the local SES's fault switch) → every invitation delivered by retry,
 * none twice; a permanent failure (SES refusing an address for good) shows on the coordinator's
 * list and raises the alarm's metric.
 *
 * 1. With 30 % of SendEmail calls failing (500), N referrals are submitted, accepted and given a
 *    study visit through the real routes. Each case's mail ledger (DynamoDB) and the inbox (the
 *    local SES store) must agree: every intent sent, each of its mails in the inbox exactly once,
 *    no mail of the cases outside the ledger; and each case has its coordinators' notice and its
 *    two invitations (participant, case officer) once. The desk counts the calls it failed.
 * 2. SES refuses one participant's address (400 MessageRejected, as the SES sandbox does for an
 *    unverified address): the invitation step fails for good, the case records it, Karin's
 *    "Att göra" and the console's "failed" filter show it, and the handlers emit the metric the
 *    CDK app's alarm watches (EMF in the host's output), enough to fire it. Karin corrects the
 *    address; the invitation goes to the new one once.
 */
const CASE_OFFICER = 'anna.handlaggare@malmo.example';
const COORDINATOR = 'karin.praktikansvarig@stadsmissionen.example';
const FAILURE_RATE = 0.3;

const visitUid = (caseId: string) => `${caseId}-study-visit@stegvis`;
const isVisitTo = (m: StoredMail, caseId: string, to: string) =>
  sentTo(m, to) &&
  (m.calendar ?? []).some((c) => c.method === 'REQUEST' && c.ics.includes(`UID:${visitUid(caseId)}`));

export const goal: Goal = {
  name: 'ses-faults',
  async run(ctx) {
    const host = ctx.host;
    const repo = hostRepository(host);
    const n = ctx.quick ? 5 : 20;
    const tag = runTag();
    const birthDate = runBirthDate(tag);
    const [admin, referrer, coordinator] = await signInStaff(host);
    const unitId = await createUnit(admin, `Felenheten ${tag}`);
    const rows = [];
    try {
      // ---------------------------------------------------------------- 1. 30 % of sends fail
      await setMailFaults(host, { sendFailureRate: FAILURE_RATE, rejectMailTo: null, resetCounts: true });
      const forms = Array.from({ length: n }, (_, i) =>
        personForm(ctx, { unitId, surname: 'Felsson', tag, serial: 1 + i, birthDate, i }),
      );
      const caseIds = await inBatches(forms, 5, (f) => submitReferral(referrer, f));
      await inBatches(caseIds, 5, async (caseId, i) => {
        const accepted = await coordinator.post(`/cases/${caseId}/intake`, {
          decision: 'accepted',
          reason: '',
          labourMarketStatus: 'longTermUnemployed',
          education: 'isced3to4',
          disability: 'undisclosed',
          foreignBackground: 'thirdCountryNational',
          targetGroup: 'illHealthFirstTraining',
        });
        await expectDone(accepted, caseId, 'decideIntake');
        const visit = meetingTime(host, { fromNow: 3 * DAY_MS + i * 2 * 3_600_000, location: 'Felgatan 3' });
        await expectDone(
          await coordinator.post(`/cases/${caseId}/study-visit`, meetingFields(visit)),
          caseId,
          'proposeStudyVisit',
        );
      });
      // The invitations are out when the workflow waits on the visit's outcome.
      await pollUntil(
        'every case waiting on its study visit’s outcome',
        async () => {
          const cs = await Promise.all(caseIds.map((id) => repo.getCase(id)));
          return cs.every((c) => c?.waiting?.step === 'studyVisitOutcome') ? true : undefined;
        },
        ctx.quick ? 90_000 : 240_000,
      );
      const injected = (await setMailFaults(host, {})).injected;
      const mails = (await inbox(host.sesUrl)).filter((m) => caseIds.includes(caseOfMail(m) ?? ''));
      const ledgers = new Map<string, LedgerEntry[]>(
        await Promise.all(caseIds.map(async (id) => [id, await mailLedger(host, id)] as const)),
      );
      const intents = [...ledgers.values()].flat();
      const unsent = intents.filter((e) => e.state !== 'sent');
      const retried = intents.filter((e) => e.attempts > 1);
      const byMessageId = new Map<string, number>();
      for (const m of mails) byMessageId.set(m.messageId, (byMessageId.get(m.messageId) ?? 0) + 1);
      const ledgerIds = new Set(intents.map((e) => e.messageId));
      const missing = intents.filter((e) => e.state === 'sent' && byMessageId.get(e.messageId ?? '') !== 1);
      const outside = mails.filter((m) => !ledgerIds.has(m.messageId));
      const duplicates = duplicateMails(mails);
      // Independently of the ledger: each case's three mails, once each.
      const expected = caseIds.flatMap((id) => [
        {
          what: 'participant invitation',
          n: mails.filter((m) => isVisitTo(m, id, forms[caseIds.indexOf(id)]?.email ?? '')).length,
        },
        { what: 'case officer invitation', n: mails.filter((m) => isVisitTo(m, id, CASE_OFFICER)).length },
        {
          what: 'coordinators’ notice',
          n: mails.filter(
            (m) => caseOfMail(m) === id && sentTo(m, COORDINATOR) && m.subject.startsWith('Ny anvisning'),
          ).length,
        },
      ]);
      const notOnce = expected.filter((e) => e.n !== 1);
      const pass1 =
        injected.failedSends > 0 &&
        unsent.length === 0 &&
        missing.length === 0 &&
        outside.length === 0 &&
        duplicates.size === 0 &&
        notOnce.length === 0;
      if (!pass1)
        ctx.log(
          `ses-faults: unsent ${unsent.map((e) => `${e.key}:${e.state}`).join(',')}; missing ${missing.length}; ` +
            `outside ${outside.map((m) => m.subject).join(' | ')}; duplicates ${[...duplicates.keys()].length}; ` +
            `not once: ${notOnce.map((e) => `${e.what}×${e.n}`).join(', ')}`,
        );
      rows.push(
        result(
          `SES failing ${FAILURE_RATE * 100} % of calls (local fault switch) during ${n} referrals, acceptances and study-visit proposals`,
          `${injected.failedSends} of ${injected.sends} SES calls failed (${Math.round((100 * injected.failedSends) / Math.max(1, injected.sends))} %); ` +
            `${intents.length - unsent.length}/${intents.length} mail intents sent, ${retried.length} of them after a failed attempt of the workflow; ` +
            `${mails.length} mails in the inbox: ${expected.length - notOnce.length}/${expected.length} expected mails once ` +
            `(${n} × notice + 2 invitations), ${missing.length} missing, ${duplicates.size} duplicate, ${outside.length} unaccounted`,
          'every invitation delivered by retry, each exactly once',
          pass1,
        ),
      );

      // ---------------------------------------------------------------- 2. a permanent failure
      const form = personForm(ctx, { unitId, surname: 'Studsdottir', tag, serial: 500, birthDate, i: 0 });
      const phase2Start = Date.now();
      await setMailFaults(host, { rejectMailTo: [form.email], resetCounts: true });
      const caseId = await submitReferral(referrer, form);
      await expectDone(
        await coordinator.post(`/cases/${caseId}/intake`, {
          decision: 'accepted',
          reason: '',
          labourMarketStatus: 'unemployed',
          education: 'isced0to2',
          disability: 'undisclosed',
          foreignBackground: 'no',
        }),
        caseId,
        'decideIntake',
      );
      const visit = meetingTime(host, { fromNow: 4 * DAY_MS, location: 'Felgatan 3' });
      await expectDone(
        await coordinator.post(`/cases/${caseId}/study-visit`, meetingFields(visit)),
        caseId,
        'proposeStudyVisit',
      );
      const failed: CaseRecord = await pollUntil(
        'the failure recorded and the repair step waiting',
        async () => {
          const c = await repo.getCase(caseId);
          return c?.problem && c.waiting?.step === 'repair' ? c : undefined;
        },
        60_000,
      );
      const recordedAfterS = (Date.parse(failed.problem?.at ?? '') - phase2Start) / 1000;
      const rejected = (await setMailFaults(host, {})).injected.rejectedSends;
      // Karin's "Att göra" and the console's "failed" filter (page and JSON).
      const todo = await (await coordinator.get('/todo')).text();
      const onTodo = todo.includes(failed.reference) && todo.includes(`/cases/${caseId}`);
      const consolePage = await (
        await coordinator.get(`/admin/placements?unit=${unitId}&flag=failed`)
      ).text();
      const consoleJson = (await (
        await coordinator.get(`/api/admin/placements?unit=${unitId}&flag=failed`)
      ).json()) as { placements: { caseId?: string; reference: string; stuck?: string[] }[] };
      const inConsole =
        pageText(consolePage).includes(failed.reference) &&
        consoleJson.placements.some((p) => p.reference === failed.reference);
      const onlyIt = consoleJson.placements.length === 1;
      const repairNotice = (await inbox(host.sesUrl)).some(
        (m) => caseOfMail(m) === caseId && sentTo(m, COORDINATOR) && !m.subject.startsWith('Ny anvisning'),
      );
      // The metric the alarm watches, as the handlers emitted it.
      const points = emfPoints(host.output(), 'PermanentFailures').filter((p) => p.at >= phase2Start - 1_000);
      const alarm = await alarmOn('PermanentFailures');
      const fired = alarm ? alarmFires(alarm, points, Date.now()) : { sum: 0, fires: false };

      // Karin corrects the address; the invitation goes there, once.
      const corrected = `${form.email.replace('@', '.ny@')}`;
      ctx.personalData.add(corrected);
      await expectDone(
        await coordinator.post(`/cases/${caseId}/repair`, { email: corrected }),
        caseId,
        'repair',
      );
      await pollUntil(
        'the workflow past the repair, waiting on the visit’s outcome',
        async () => ((await repo.getCase(caseId))?.waiting?.step === 'studyVisitOutcome' ? true : undefined),
        60_000,
      );
      const after = await repo.getCase(caseId);
      const toNew = (await inbox(host.sesUrl)).filter((m) => isVisitTo(m, caseId, corrected)).length;
      const toOld = (await inbox(host.sesUrl)).filter((m) => isVisitTo(m, caseId, form.email)).length;

      const pass2 =
        failed.problem?.state === 'SendInvitation' &&
        failed.problem.error === 'MailRejectedError' &&
        rejected >= 1 &&
        onTodo &&
        inConsole &&
        onlyIt &&
        !after?.problem &&
        toNew === 1 &&
        toOld === 0;
      if (!pass2)
        ctx.log(
          `ses-faults: problem ${JSON.stringify(failed.problem)}, rejected ${rejected}, todo ${onTodo}, console ${inConsole} (${consoleJson.placements.length}), ` +
            `after ${JSON.stringify(after?.problem)}, new ${toNew}, old ${toOld}`,
        );
      rows.push(
        result(
          'SES refusing one participant’s address for good (400 MessageRejected, local fault switch)',
          `${rejected} refused call; the case recorded ${failed.problem?.error ?? 'nothing'} at ${failed.problem?.state ?? '-'} after ${recordedAfterS.toFixed(1)} s` +
            ` (no retries), waiting on repair; on Karin’s "Att göra": ${onTodo ? 'yes' : 'no'}; console "failed" filter: ` +
            `${consoleJson.placements.length} placement${inConsole ? ' (this one)' : ''}; coordinator told by mail: ${repairNotice ? 'yes' : 'no'}; ` +
            `after Karin corrected the address: invitation to the new address ${toNew}×, to the refused one ${toOld}×, failure cleared: ${after?.problem ? 'no' : 'yes'}`,
          'a permanent failure shows on the coordinator’s list (and is repaired from it)',
          pass2,
        ),
      );
      const pass3 =
        !!alarm && alarm.namespace === 'Stegvis' && fired.sum === 1 && fired.fires && points.length >= 1;
      rows.push(
        result(
          'The alarm metric of a step failed for good',
          `${fired.sum} PermanentFailures emitted (EMF ${points[0]?.namespace ?? '-'}/${points[0]?.name ?? '-'} ` +
            `${JSON.stringify(points[0]?.dimensions ?? {})}); the CDK alarm ${alarm ? `watches ${alarm.namespace}/${alarm.metricName} ${JSON.stringify(alarm.dimensions)} ${alarm.statistic} ${alarm.comparison === 'GreaterThanOrEqualToThreshold' ? '≥' : '>'} ${alarm.threshold} per ${alarm.periodSeconds} s` : 'was not found'}` +
            ` → ${fired.fires ? 'ALARM' : 'OK'}`,
          'the failure raises the alarm’s metric (1 point, alarm state ALARM)',
          pass3,
        ),
      );
      return rows;
    } finally {
      await mailFaultsOff(host).catch((err: Error) =>
        ctx.log(`ses-faults: faults not switched off: ${err.message}`),
      );
    }
  },
};
