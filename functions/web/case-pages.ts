import { canSeeEntryStatistics, canSeeParticipant, isStaff, type Principal } from '#core/auth';
import {
  ACTIVITY_KINDS,
  type CaseRecord,
  EARLY_CLOSING_REASONS,
  EDUCATION_LEVELS,
  FOLLOW_UP_DECISIONS,
  FOREIGN_BACKGROUNDS,
  LABOUR_MARKET_STATUSES,
  OUTCOMES,
  openMailProblems,
  TALK_POINTS,
  YES_NO_UNDISCLOSED,
} from '#core/case';
import { dateTimeFormat } from '#core/clock';
import type { FieldIssue } from '#core/errors';
import { type MeetingView, meetingViews } from '#core/meeting-view';
import { maskIdentityNumber } from '#core/personnummer';
import type { CaseEntry } from '#core/ports';
import { ACTIONS, type ActionName, STEPS } from '#core/process/declaration';
import { TARGET_GROUPS } from '#core/target-groups';
import type { Unit } from '#core/units';
import { currentStep, mayAct } from '#core/use-cases/act';
import { ADDRESS_FIELD, addressOf } from '#core/use-cases/addresses';
import { actionAvailability, actionAvailable, changeableMeetings } from '#core/use-cases/availability';
import { html, type Raw, raw } from './html.ts';
import { type Lang, t, tDynamic } from './i18n.ts';
import {
  errorSummary,
  errorText,
  errorTitle,
  fieldId,
  formatDateTime,
  page,
  radioGroup,
  selectField,
  textArea,
  textField,
} from './layout.ts';
import { refusalText } from './process-texts.ts';

export interface CasePageOpts {
  lang: Lang;
  principal: Principal;
  c: CaseRecord;
  unit?: Unit;
  now?: number;
  talks?: CaseEntry[];
  /** The action just done (a notice), or 'submitted' after a referral. */
  notice?: ActionName | 'submitted';
  /** The form that came back with errors or was refused. */
  form?: ActionName;
  values?: Record<string, string>;
  issues?: readonly FieldIssue[];
  refusal?: { code: string; params: Record<string, string | number> };
}

const L = (lang: Lang, key: string) => tDynamic(lang, key);
const opts = (lang: Lang, prefix: string, values: readonly string[]) =>
  values.map((v) => ({ value: v, label: L(lang, `${prefix}_${v}`) }));
const yesNo = (lang: Lang) => [
  { value: 'yes', label: t(lang, 'yes') },
  { value: 'no', label: t(lang, 'no') },
];
const newFormId = () =>
  Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

function checkboxes(o: {
  lang: Lang;
  name: string;
  label: string;
  options: string[];
  values: string[];
  issues: readonly FieldIssue[];
  prefix?: string;
}): Raw {
  const err = o.issues.find((i) => i.field === o.name);
  const fid = fieldId(o.name, o.prefix);
  // As a radio group: every box is marked invalid and described by the message.
  const invalid = err ? raw(` aria-invalid="true" aria-describedby="${fid}-error"`) : '';
  return html`<fieldset class="field${err ? ' has-error' : ''}"${err ? raw(` aria-describedby="${fid}-error"`) : ''}><legend>${o.label} *</legend>
${errorText(o.lang, fid, o.issues, o.name)}
${o.options.map(
  (v, i) =>
    html`<label class="radio"><input type="checkbox" name="${o.name}" id="${i === 0 ? fid : `${fid}-${i}`}" value="${v}"${o.values.includes(v) ? raw(' checked') : ''}${invalid}> ${v}</label>`,
)}</fieldset>`;
}

/** The form of one action, with what was typed and its errors when it came back. */
function actionForm(o: CasePageOpts, action: ActionName): Raw {
  const { lang, c } = o;
  const mine = o.form === action;
  const issues = mine ? (o.issues ?? []) : [];
  const v = mine ? (o.values ?? {}) : {};
  const f = (name: string) => ({ lang, name: name, value: v[name], issues, prefix: action });
  const meetingFields = (location?: string) => html`
${textField({ ...f('date'), type: 'date', label: t(lang, 'date'), hint: t(lang, 'dateHint'), required: true })}
${textField({ ...f('startTime'), type: 'time', label: t(lang, 'startTime'), hint: t(lang, 'timeHint'), required: true })}
${textField({ ...f('endTime'), type: 'time', label: t(lang, 'endTime'), hint: t(lang, 'timeHint'), required: true })}
${textField({ ...f('location'), label: t(lang, 'location'), value: v.location ?? location, required: true })}`;
  const tasks = o.unit?.tasks ?? [];
  let body: Raw;
  switch (action) {
    case 'decideIntake':
      body = html`${radioGroup({ ...f('decision'), label: L(lang, 'field_decision'), required: true, options: opts(lang, 'intake', ['accepted', 'declined']) })}
${textArea({ ...f('reason'), label: L(lang, 'field_declineReasonReferrer') })}
<fieldset><legend>${L(lang, 'entryStatistics')}</legend><p class="hint">${L(lang, 'entryStatisticsHint')}</p>
${selectField({ ...f('labourMarketStatus'), label: L(lang, 'field_labourMarketStatus'), placeholder: L(lang, 'choose'), options: opts(lang, 'lms', LABOUR_MARKET_STATUSES) })}
${selectField({ ...f('education'), label: L(lang, 'field_education'), placeholder: L(lang, 'choose'), options: opts(lang, 'edu', EDUCATION_LEVELS) })}
${selectField({ ...f('disability'), label: L(lang, 'field_disability'), placeholder: L(lang, 'choose'), options: opts(lang, 'yn', YES_NO_UNDISCLOSED) })}
${selectField({ ...f('foreignBackground'), label: L(lang, 'field_foreignBackground'), placeholder: L(lang, 'choose'), options: opts(lang, 'fb', FOREIGN_BACKGROUNDS) })}
${selectField({ ...f('targetGroup'), label: L(lang, 'field_targetGroup'), placeholder: L(lang, 'tg_notRecorded'), options: opts(lang, 'tg', TARGET_GROUPS) })}
</fieldset>`;
      break;
    case 'proposeStudyVisit':
      body = meetingFields(o.unit?.address);
      break;
    case 'recordStudyVisitOutcome':
      body = html`${radioGroup({ ...f('outcome'), label: t(lang, 'outcome'), required: true, options: opts(lang, 'outcome', ['wantsToStart', 'declined']) })}
${textArea({ ...f('declineReason'), label: t(lang, 'declineReason') })}`;
      break;
    case 'scheduleStartup':
      body = html`${selectField({ ...f('supervisorEmail'), label: L(lang, 'field_supervisor'), required: true, placeholder: L(lang, 'choose'), options: (o.unit?.supervisors ?? []).map((s) => ({ value: s.email, label: s.name })) })}
${meetingFields(o.unit?.address)}
${radioGroup({ ...f('inviteCaseOfficer'), label: L(lang, 'field_inviteCaseOfficer'), options: yesNo(lang) })}`;
      break;
    case 'recordPlan':
      body = html`${textArea({ ...f('goals'), label: L(lang, 'field_goals'), required: true })}
${checkboxes({ lang, prefix: action, name: 'tasks', label: L(lang, 'field_tasks'), options: tasks, values: (v.tasks ?? '').split('\n'), issues })}
${selectField({ ...f('percent'), label: L(lang, 'field_percent'), required: true, placeholder: L(lang, 'choose'), options: (o.unit?.ladder ?? [25, 40, 50, 75, 100]).map((p) => ({ value: String(p), label: `${p} %` })) })}
${textArea({ ...f('adaptations'), label: L(lang, 'field_adaptations') })}
${textField({ ...f('startDate'), type: 'date', label: L(lang, 'field_startDate'), hint: t(lang, 'dateHint'), required: true })}`;
      break;
    case 'recordTalk':
      body = html`<input type="hidden" name="formId" value="${v.formId ?? newFormId()}">
${textField({ ...f('date'), type: 'date', label: t(lang, 'date'), hint: t(lang, 'dateHint'), required: true })}
${TALK_POINTS.map((p) => textArea({ ...f(p), label: L(lang, `talk_${p}`) }))}
${radioGroup({ ...f('capacityDeclined'), label: L(lang, 'field_capacityDeclined'), required: true, options: yesNo(lang) })}`;
      break;
    case 'scheduleFollowUp':
      body = html`<input type="hidden" name="formId" value="${v.formId ?? newFormId()}">${meetingFields(o.unit?.address)}`;
      break;
    case 'recordFollowUp':
      body = html`${radioGroup({ ...f('participantPresent'), label: L(lang, 'field_participantPresent'), required: true, options: yesNo(lang) })}
${radioGroup({ ...f('caseOfficerPresent'), label: L(lang, 'field_caseOfficerPresent'), required: true, options: yesNo(lang) })}
${textArea({ ...f('summary'), label: L(lang, 'field_summary'), required: true })}
${radioGroup({ ...f('decision'), label: L(lang, 'field_followUpDecision'), required: true, options: opts(lang, 'decision', FOLLOW_UP_DECISIONS) })}
${textField({ ...f('newPercent'), label: L(lang, 'field_newPercent'), hint: L(lang, 'hint_newPercent') })}
${textArea({ ...f('reason'), label: L(lang, 'field_reason') })}
${checkboxes({ lang, prefix: action, name: 'tasks', label: L(lang, 'field_tasksAfter'), options: tasks, values: mine ? (v.tasks ?? '').split('\n') : c.tasks, issues })}`;
      break;
    case 'resume':
      body = html`${textField({ ...f('statementDate'), type: 'date', label: L(lang, 'field_statementDate'), hint: t(lang, 'dateHint'), required: true })}
${textField({ ...f('maxPercent'), label: L(lang, 'field_maxPercent'), required: true })}
${textField({ ...f('percent'), label: L(lang, 'field_resumePercent'), required: true })}
${textArea({ ...f('avoidTasks'), label: L(lang, 'field_avoidTasks') })}`;
      break;
    case 'logActivity':
      body = html`<input type="hidden" name="formId" value="${v.formId ?? newFormId()}">
${selectField({ ...f('kind'), label: L(lang, 'field_activityKind'), required: true, placeholder: L(lang, 'choose'), options: opts(lang, 'activity', ACTIVITY_KINDS) })}
${textField({ ...f('date'), type: 'date', label: t(lang, 'date'), hint: t(lang, 'dateHint'), required: true })}
${textField({ ...f('note'), label: L(lang, 'field_note') })}`;
      break;
    case 'closeEarly':
      body = html`${selectField({ ...f('reason'), label: L(lang, 'field_earlyReason'), required: true, placeholder: L(lang, 'choose'), options: opts(lang, 'early', EARLY_CLOSING_REASONS) })}
${textField({ ...f('note'), label: L(lang, 'field_note') })}`;
      break;
    case 'scheduleClosing':
      body = meetingFields(o.unit?.address);
      break;
    case 'recordClosing':
      body = html`${textArea({ ...f('summary'), label: L(lang, 'field_summary'), required: true })}
${textArea({ ...f('evaluation'), label: L(lang, 'field_evaluation'), required: true })}
${selectField({ ...f('outcome'), label: L(lang, 'field_closingOutcome'), required: true, placeholder: L(lang, 'choose'), options: opts(lang, 'result', OUTCOMES) })}
${textArea({ ...f('explanation'), label: L(lang, 'field_explanation'), hint: L(lang, 'hint_explanation') })}
${textArea({ ...f('nextStepPlan'), label: L(lang, 'field_nextStepPlan'), required: true })}`;
      break;
    case 'recordAfterClosing':
      body = html`<input type="hidden" name="which" value="${v.which ?? (c.afterClosing.fourWeeks ? 'sixMonths' : 'fourWeeks')}">
${selectField({ ...f('outcome'), label: L(lang, 'field_whereNow'), required: true, placeholder: L(lang, 'choose'), options: opts(lang, 'result', OUTCOMES) })}
${radioGroup({ ...f('qualificationGained'), label: L(lang, 'field_qualificationGained'), options: yesNo(lang) })}
${textField({ ...f('note'), label: L(lang, 'field_note') })}`;
      break;
    case 'moveMeeting':
    case 'cancelMeeting':
      return meetingForms(o); // one pair of forms per booked meeting, below
    case 'correctAddress': {
      const roles = [...new Set(openMailProblems(c).map((x) => x.who))];
      body = html`<p>${L(lang, 'correctAddressIntro')}</p>
${roles.map((who) => textField({ ...f(ADDRESS_FIELD[who]), type: 'email', label: L(lang, `address_${who}`), hint: L(lang, `addressProblem_${openMailProblems(c).find((x) => x.who === who)?.kind ?? 'bounce'}`), value: v[ADDRESS_FIELD[who]] ?? addressOf(c, who), required: true }))}`;
      break;
    }
    case 'repair':
      body = html`<p>${L(lang, 'repairIntro')}</p>
${textField({ ...f('email'), type: 'email', label: t(lang, 'email'), value: v.email ?? c.participant.email })}
${textField({ ...f('phone'), type: 'tel', label: t(lang, 'phone'), value: v.phone ?? c.participant.phone })}`;
      break;
  }
  const id = `form-${action}`;
  const refused = mine && o.refusal;
  return html`<section aria-labelledby="${id}-h" class="action"><h2 id="${id}-h">${L(lang, `action_${action}`)}</h2>
${refused ? html`<div class="error-summary" role="alert" tabindex="-1" autofocus><p>${refusalText(lang, o.refusal?.code ?? '', o.refusal?.params ?? {})}</p></div>` : ''}
${mine ? errorSummary(lang, inFormOrder(issues, body), action) : ''}
<form method="post" action="/cases/${c.caseId}/${ACTIONS[action].path}" novalidate>
${body}
<button type="submit">${L(lang, `submit_${action}`)}</button>
</form></section>`;
}

/** A Swedish wall-clock date and time of an instant, as the meeting form takes them. */
function stockholmParts(iso: string): { date: string; time: string } {
  const p = dateTimeFormat('en-CA', {
    timeZone: 'Europe/Stockholm',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(new Date(iso));
  const get = (t: string) => p.find((x) => x.type === t)?.value ?? '';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, time: `${get('hour')}:${get('minute')}` };
}

/**
 * Each booked meeting (not cancelled, not recorded) with its two forms: move it (a new time or
 * place: everyone gets the updated invitation) and cancel it (everyone gets a cancellation).
 * Both sit behind a disclosure, so a cancel is never one stray click away.
 */
function meetingForms(o: CasePageOpts): Raw {
  const { lang, c } = o;
  return html`${changeableMeetings(c).map((m) => {
    const key = `${m.meetingId}`;
    const moving = o.form === 'moveMeeting' && o.values?.meetingId === m.meetingId;
    const cancelling = o.form === 'cancelMeeting' && o.values?.meetingId === m.meetingId;
    const issues = moving ? (o.issues ?? []) : [];
    const v = moving ? (o.values ?? {}) : {};
    const at = stockholmParts(m.start);
    const until = stockholmParts(m.end);
    const prefix = `moveMeeting-${key}`;
    const f = (name: string, value: string) => ({ lang, name, value: v[name] ?? value, issues, prefix });
    const refused = (moving || cancelling) && o.refusal;
    const fields = html`<input type="hidden" name="meetingId" value="${m.meetingId}">
${textField({ ...f('date', at.date), type: 'date', label: t(lang, 'date'), hint: t(lang, 'dateHint'), required: true })}
${textField({ ...f('startTime', at.time), type: 'time', label: t(lang, 'startTime'), hint: t(lang, 'timeHint'), required: true })}
${textField({ ...f('endTime', until.time), type: 'time', label: t(lang, 'endTime'), hint: t(lang, 'timeHint'), required: true })}
${textField({ ...f('location', m.location), label: t(lang, 'location'), required: true })}`;
    return html`<section aria-labelledby="meeting-${key}-h" class="action"><h2 id="meeting-${key}-h">${L(lang, `meeting_${m.kind}`)}: ${formatDateTime(lang, m.start)}–${until.time}</h2>
<p>${m.location}</p>
${refused ? html`<div class="error-summary" role="alert"><p>${refusalText(lang, o.refusal?.code ?? '', o.refusal?.params ?? {})}</p></div>` : ''}
<details class="change"${moving ? raw(' open') : ''}><summary>${L(lang, 'action_moveMeeting')}</summary>
${moving ? errorSummary(lang, inFormOrder(issues, fields), prefix) : ''}
<form method="post" action="/cases/${c.caseId}/${ACTIONS.moveMeeting.path}" novalidate>
${fields}
<button type="submit">${L(lang, 'submit_moveMeeting')}</button>
</form></details>
<details class="change"${cancelling ? raw(' open') : ''}><summary>${L(lang, 'action_cancelMeeting')}</summary>
<form method="post" action="/cases/${c.caseId}/${ACTIONS.cancelMeeting.path}">
<input type="hidden" name="meetingId" value="${m.meetingId}">
<p>${L(lang, 'cancelMeetingHint')}</p>
<button type="submit" class="danger">${L(lang, 'submit_cancelMeeting')}</button>
</form></details>
</section>`;
  })}`;
}

/** The issues in the order of their fields in the form (a use case reports its rules after the fields). */
function inFormOrder(issues: readonly FieldIssue[], body: Raw): FieldIssue[] {
  const at = (i: FieldIssue) => {
    const p = body.value.indexOf(`name="${i.field}"`);
    return p < 0 ? Number.MAX_SAFE_INTEGER : p;
  };
  return [...issues].sort((a, b) => at(a) - at(b));
}

/** Where a meeting's mail stands, as a catalogue key. */
function meetingStatus(m: MeetingView): string {
  const sent = m.invitationSentForSequence === m.sequence;
  if (m.cancelled) return sent ? 'meetingCancelled' : 'cancellationPending';
  if (m.done) return 'recorded';
  if (!sent) return 'invitationPending';
  return m.moved ? 'updateSent' : 'invitationSent';
}

/** The participant's answer to a meeting's current time, as staff read it. */
function answerLine(lang: Lang, m: MeetingView, personal: boolean): Raw {
  const a = m.answer;
  if (!a || a.sequence !== m.sequence || m.cancelled) return html``;
  return html`; <strong>${L(lang, a.answer === 'coming' ? 'answerComing' : 'answerOtherTime')}</strong>${personal && a.message ? html`: ”${a.message}”` : ''}`;
}

const dd = (label: string, value: unknown) =>
  html`<dt>${label}</dt><dd>${value === undefined || value === '' ? '–' : String(value)}</dd>`;

function history(o: CasePageOpts): Raw {
  const { lang, c } = o;
  const personal = canSeeParticipant(o.principal, c) && !c.anonymised;
  const parts: Raw[] = [];
  const views = meetingViews(c);
  if (views.length)
    parts.push(
      html`<h3>${L(lang, 'meetings')}</h3><ul class="plain">${views.map(
        (m) =>
          html`<li>${L(lang, `meeting_${m.kind}`)}: ${formatDateTime(lang, m.start)}–${formatDateTime(lang, m.end).slice(-5)}, ${m.location} – ${L(lang, meetingStatus(m))}${m.reminderSentForSequence === m.sequence && !m.cancelled ? html`; ${L(lang, 'reminderSent')}` : ''}${answerLine(lang, m, personal)}</li>`,
      )}</ul>`,
    );
  const sv = c.studyVisit;
  if (sv?.outcome)
    parts.push(html`<h3>${t(lang, 'studyVisit')}</h3><dl>
${dd(t(lang, 'outcome'), L(lang, `outcome_${sv.outcome}`))}
${sv.declineReason && personal ? dd(t(lang, 'declineReason'), sv.declineReason) : ''}
</dl>`);
  if (c.plan && personal)
    parts.push(html`<h3>${L(lang, 'plan')}</h3><dl>
${dd(L(lang, 'field_goals'), c.plan.goals)}${dd(L(lang, 'field_tasks'), c.plan.tasks.join(', '))}
${dd(L(lang, 'field_percent'), `${c.plan.percent} % (${c.plan.hoursPerWeek} h)`)}${dd(L(lang, 'field_adaptations'), c.plan.adaptations)}
${dd(L(lang, 'field_startDate'), c.plan.startDate)}</dl>`);
  if (c.workingTimeHistory.length)
    parts.push(
      html`<h3>${L(lang, 'workingTimeHistory')}</h3><ul class="plain">${c.workingTimeHistory.map(
        (h) => html`<li>${h.since}: ${h.percent} % (${h.hoursPerWeek} h) – ${L(lang, `wt_${h.kind}`)}</li>`,
      )}</ul>`,
    );
  if ((o.talks ?? []).length && personal)
    parts.push(
      html`<h3>${L(lang, 'talks')}</h3>${(o.talks ?? []).map((e) => {
        const d = e.data as { date?: string; capacityDeclined?: boolean; points?: Record<string, string> };
        return html`<details><summary>${d.date ?? ''}${d.capacityDeclined ? ` – ${L(lang, 'capacityDeclined')}` : ''}</summary><dl>${TALK_POINTS.map((p) => dd(L(lang, `talk_${p}`), d.points?.[p]))}</dl></details>`;
      })}`,
    );
  if (c.followUps.length)
    parts.push(
      html`<h3>${L(lang, 'followUps')}</h3><ul class="plain">${c.followUps.map(
        (f) =>
          html`<li>${f.recordedAt.slice(0, 10)}: ${L(lang, `decision_${f.decision}`)}${f.newPercent ? ` → ${f.newPercent} %` : ''}${personal ? ` – ${f.summary}` : ''}</li>`,
      )}</ul>`,
    );
  if (c.pauses.length && personal)
    parts.push(
      html`<h3>${L(lang, 'pauses')}</h3><ul class="plain">${c.pauses.map(
        (p) =>
          html`<li>${p.startedAt.slice(0, 10)} – ${p.resumedAt ? `${p.resumedAt.slice(0, 10)} (${L(lang, 'field_maxPercent')}: ${p.maxPercent} %)` : L(lang, 'ongoing')}</li>`,
      )}</ul>`,
    );
  if (c.activities.length)
    parts.push(
      html`<h3>${L(lang, 'activities')}</h3><ul class="plain">${c.activities.map(
        (a) =>
          html`<li>${a.date}: ${L(lang, `activity_${a.kind}`)}${a.note && personal ? ` – ${a.note}` : ''}</li>`,
      )}</ul>`,
    );
  if (c.closing?.record)
    parts.push(html`<h3>${L(lang, 'closingRecord')}</h3><dl>
${dd(L(lang, 'field_closingOutcome'), L(lang, `result_${c.closing.record.outcome}`))}
${personal ? html`${dd(L(lang, 'field_summary'), c.closing.record.summary)}${dd(L(lang, 'field_evaluation'), c.closing.record.evaluation)}${dd(L(lang, 'field_explanation'), c.closing.record.explanation)}${dd(L(lang, 'field_nextStepPlan'), c.closing.record.nextStepPlan)}` : ''}
${c.afterClosing.fourWeeks ? dd(L(lang, 'afterFourWeeks'), L(lang, `result_${c.afterClosing.fourWeeks.outcome}`)) : ''}
${c.afterClosing.fourWeeks?.qualificationGained === undefined ? '' : dd(L(lang, 'field_qualificationGained'), t(lang, c.afterClosing.fourWeeks.qualificationGained ? 'yes' : 'no'))}
${c.afterClosing.sixMonths ? dd(L(lang, 'afterSixMonths'), L(lang, `result_${c.afterClosing.sixMonths.outcome}`)) : ''}
</dl>`);
  return parts.length
    ? html`<section aria-labelledby="hist-h"><h2 id="hist-h">${L(lang, 'history')}</h2>${parts}</section>`
    : html``;
}

export function casePage(o: CasePageOpts) {
  const { lang, c } = o;
  // Identity, contact details, needs and free-text reasons only for those who need them; none
  // once the case's personal data has been removed.
  const personal = canSeeParticipant(o.principal, c) && !c.anonymised;
  const step = currentStep(c);
  const now = o.now ?? Date.now();
  const allowed = step
    ? (STEPS[step].actions as readonly ActionName[]).filter((a) => mayAct(o.principal, c, a))
    : [];
  // Only forms that can be used now; a record form waiting for its meeting says when it opens.
  const open = allowed.filter((a) => actionAvailable(c, a, now));
  const opensLater = allowed.flatMap((a) => {
    const v = actionAvailability(c, a, now);
    return !v.available && v.meeting ? [{ action: a, meeting: v.meeting }] : [];
  });
  const notice =
    o.notice === 'submitted'
      ? html`<div class="notice" role="status">${t(lang, 'referralReceived')}</div>`
      : o.notice
        ? html`<div class="notice" role="status">${L(lang, `done_${o.notice}`)}</div>`
        : '';
  const place = c.place?.releasedAt
    ? L(lang, 'placeReleased')
    : c.place?.assignedAt
      ? L(lang, 'placeHeld')
      : c.place?.queuedAt
        ? L(lang, 'placeQueued')
        : '–';
  const body = html`<h1>${t(lang, 'caseTitle')} ${c.reference}</h1>
${notice}
${
  c.anonymised
    ? html`<div class="notice" role="status">${L(lang, 'erasedBanner')
        .replace('{by}', L(lang, `erasedBy_${c.anonymised.by}`))
        .replace('{at}', formatDateTime(lang, c.anonymised.at))}</div>`
    : ''
}
${c.problem && isStaff(o.principal) ? html`<div class="error-summary" role="alert"><p>${L(lang, 'problemBanner')}</p></div>` : ''}
${openMailProblems(c).length && isStaff(o.principal) ? html`<div class="error-summary" role="alert"><p>${L(lang, 'mailProblemBanner')} <a href="#form-correctAddress-h">${L(lang, 'action_correctAddress')}</a></p></div>` : ''}
<dl>
${dd(t(lang, 'status'), tDynamic(lang, `status_${c.status}`))}
${dd(t(lang, 'phase'), tDynamic(lang, `phase_${c.phase}`))}
${dd(t(lang, 'unit'), o.unit?.name ?? c.unitId)}
${dd(L(lang, 'place'), place)}
${dd(t(lang, 'period'), `${c.plannedStart} – ${c.plannedEnd}`)}
${dd(t(lang, 'placementAgreementRef'), c.placementAgreementRef)}
${dd(t(lang, 'caseOfficer'), `${c.caseOfficer.name}, ${c.caseOfficer.organisationName}`)}
${c.supervisor ? dd(L(lang, 'field_supervisor'), c.supervisor.name) : ''}
${c.workingTime ? dd(L(lang, 'workingTime'), `${c.workingTime.percent} % (${c.workingTime.hoursPerWeek} h/${L(lang, 'week')})`) : ''}
${c.intake?.decision === 'declined' && personal ? dd(L(lang, 'field_declineReasonReferrer'), c.intake.reason) : ''}
${c.closure && personal ? dd(t(lang, 'closedReason'), c.closure.reason) : ''}
</dl>
${
  o.refusal && !(o.form && open.includes(o.form))
    ? html`<div class="error-summary" role="alert" tabindex="-1" autofocus><h2>${L(lang, 'refusedTitle')}</h2><p>${refusalText(lang, o.refusal.code, o.refusal.params)}</p></div>`
    : ''
}
${opensLater.map(
  ({ action, meeting }) =>
    html`<section class="notice" aria-labelledby="later-${action}"><h2 id="later-${action}">${L(lang, `action_${action}`)}</h2><p>${L(
      lang,
      'opensAfterMeeting',
    )
      .replace('{meeting}', L(lang, `meeting_${meeting.kind}`))
      .replace('{start}', formatDateTime(lang, meeting.start))
      .replace('{location}', meeting.location)}</p></section>`,
)}
${open.filter((a) => a !== 'cancelMeeting').map((a) => actionForm(o, a))}
${
  personal
    ? html`<section aria-labelledby="p-h"><h2 id="p-h">${t(lang, 'participantContact')}</h2>
<dl>
${dd(t(lang, 'participantName'), c.participant.name)}
${dd(t(lang, 'identityNumber'), maskIdentityNumber(c.participant.identityNumber))}
${dd(t(lang, 'email'), c.participant.email)}
${dd(t(lang, 'phone'), c.participant.phone)}
${dd(t(lang, 'adaptationNeeds'), c.needs.adaptation)}
${dd(t(lang, 'language'), c.needs.languageSupport ? c.needs.language : t(lang, 'no'))}
${dd(t(lang, 'mailLanguage'), t(lang, c.participantLanguage === 'en' ? 'mailLanguage_en' : 'mailLanguage_sv'))}
</dl></section>`
    : ''
}
${
  c.entryStatistics && canSeeEntryStatistics(o.principal, c)
    ? html`<section aria-labelledby="esf-h"><h2 id="esf-h">${L(lang, 'entryStatistics')}</h2><dl>
${dd(L(lang, 'field_labourMarketStatus'), L(lang, `lms_${c.entryStatistics.labourMarketStatus}`))}
${dd(L(lang, 'field_education'), L(lang, `edu_${c.entryStatistics.education}`))}
${dd(L(lang, 'field_disability'), L(lang, `yn_${c.entryStatistics.disability}`))}
${dd(L(lang, 'field_foreignBackground'), L(lang, `fb_${c.entryStatistics.foreignBackground}`))}
${dd(L(lang, 'field_targetGroup'), L(lang, `tg_${c.entryStatistics.targetGroup ?? 'notRecorded'}`))}
</dl></section>`
    : ''
}
${history(o)}`;
  return page({
    lang,
    title: errorTitle(lang, o.issues ?? [], `${t(lang, 'caseTitle')} ${c.reference}`),
    principal: o.principal,
    path: `/cases/${c.caseId}`,
    body,
  });
}
