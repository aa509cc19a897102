import { randomBytes } from 'node:crypto';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { exampleIdentityNumber } from '#core/personnummer';
import {
  acceptReferral,
  DAY_MS,
  meetingFields,
  meetingTime,
  referralForm,
  sentTo,
  submitReferral,
  virtualDay,
  waitForMail,
  waitForStep,
} from '#test/support/flows';
import { inbox, Session, type StoredMail, USERS } from '#test/support/session';
import { type Goal, type ProofContext, result } from '../kit.ts';

/**
 * Personal data (identity numbers, names, e-mail addresses, phone numbers, health and adaptation
 * text) in logs, mails, URLs, workflow payloads and histories → 0 occurrences.
 *
 * Runs last: besides a case of its own, driven through acceptance and a study-visit invitation
 * (so mail, a workflow and its history exist for a known person), it searches for every piece of
 * personal data the goals before it submitted (`ctx.personalData`).
 *
 * Where it searches:
 * - logs: everything the host (gateway, Lambda handlers, Step Functions runner, SES) wrote;
 * - URLs: every URL in those logs and in every mail;
 * - mails: subject, text, HTML and calendar parts (a person's own address is where the mail goes
 *   and is not searched for in the mail's content; their name, number, phone and health text are);
 * - workflows: every execution's input and output and every event of its history.
 *
 * The search cannot be blind: the same search over the DynamoDB table, where the record is kept,
 * must find the seeded person's name, identity number and health text, or the goal fails.
 */
export const goal: Goal = {
  name: 'personal-data',
  async run(ctx) {
    const own = await seedOwnCase(ctx);
    for (const v of own.values) ctx.personalData.add(v);

    const values = [...ctx.personalData].filter((v) => v.trim().length >= 6);
    const needles = values.map((v) => ({ value: v, forms: variants(v), email: v.includes('@') }));

    const hostLog = ctx.host.output();
    const mails = await inbox(ctx.host.sesUrl);
    const mailTexts = mails.map(mailContent);
    const urls = [
      ...new Set([...hostLog.matchAll(URL_RE), ...mailTexts.join('\n').matchAll(URL_RE)].map((m) => m[0])),
    ];
    const workflows = await workflowTexts(ctx);

    const hits: string[] = [];
    const search = (where: string, text: string, includeEmail: boolean) => {
      const lower = text.toLowerCase();
      for (const n of needles) {
        if (n.email && !includeEmail) continue;
        if (n.forms.some((f) => lower.includes(f))) hits.push(`${where}: ${mask(n.value)}`);
      }
    };
    search('logs', hostLog, true);
    for (const u of urls) search('URL', u, true);
    mailTexts.forEach((t, i) => {
      search(`mail ${mails[i]?.messageId ?? i}`, t, false);
    });
    for (const w of workflows) search(`workflow ${w.where}`, w.text, true);

    // Not blind: the record itself holds the seeded person's data, found by the same search.
    const table = await tableText(ctx);
    const found = own.checks.filter((v) => variants(v).some((f) => table.includes(f)));
    const blind = found.length !== own.checks.length;

    const distinct = [...new Set(hits)];
    if (distinct.length > 0) ctx.log(`personal data found:\n  ${distinct.slice(0, 40).join('\n  ')}`);
    const counted = `${values.length} values; ${Math.round(hostLog.length / 1024)} KiB of logs, ${urls.length} URLs, ${mails.length} mails, ${workflows.length} workflow payloads/histories`;
    return [
      result(
        'Personal data in logs, mails, URLs, workflow payloads and histories',
        blind
          ? `search is blind: found ${found.length} of ${own.checks.length} seeded values in the record`
          : `${distinct.length} occurrences (${counted})`,
        '0 occurrences',
        !blind && distinct.length === 0 && mails.length > 0 && workflows.length > 0,
      ),
    ];
  },
};

const URL_RE = /\b(?:https?:\/\/|\/(?:cases|m|l|p|admin|referrals|console|reports)\/)[^\s"'<>)]*/gi;

/** The ways a value may be written: as typed, URL-encoded, form-encoded, JSON-escaped, and for an
 * identity number with or without century and hyphen. Lower-case, as the search is. */
function variants(value: string): string[] {
  const forms = new Set<string>([
    value,
    encodeURIComponent(value),
    new URLSearchParams({ v: value }).toString().slice(2),
  ]);
  forms.add(JSON.stringify(value).slice(1, -1));
  const pnr = /^(\d{2})?(\d{6})[-+]?(\d{4})$/.exec(value.replace(/\s/g, ''));
  if (pnr) {
    const [, century = '', date, last] = pnr;
    for (const c of [century, '']) for (const sep of ['', '-']) forms.add(`${c}${date}${sep}${last}`);
  }
  return [...forms].filter((f) => f.length >= 6).map((f) => f.toLowerCase());
}

const mask = (v: string) => (v.length <= 4 ? '****' : `${v.slice(0, 2)}…${v.slice(-2)} (${v.length} chars)`);

function mailContent(m: StoredMail): string {
  return [m.subject, m.body.text ?? '', m.body.html ?? '', ...(m.calendar ?? []).map((c) => c.ics)].join(
    '\n',
  );
}

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

async function workflowTexts(ctx: ProofContext): Promise<{ where: string; text: string }[]> {
  const sfn = new SFNClient({ region: 'eu-north-1', endpoint: ctx.host.sfnUrl, credentials });
  const out: { where: string; text: string }[] = [];
  const machines = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines ?? [];
  for (const m of machines) {
    let nextToken: string | undefined;
    const arns: string[] = [];
    do {
      const page = await sfn.send(
        new ListExecutionsCommand({ stateMachineArn: m.stateMachineArn, nextToken }),
      );
      for (const e of page.executions ?? []) if (e.executionArn) arns.push(e.executionArn);
      nextToken = page.nextToken;
    } while (nextToken);
    // A few at a time: the local runner answers from the same process as the host.
    for (let i = 0; i < arns.length; i += 8) {
      await Promise.all(
        arns.slice(i, i + 8).map(async (executionArn) => {
          const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
          out.push({ where: `${d.name} payload`, text: `${d.name}\n${d.input ?? ''}\n${d.output ?? ''}` });
          const events: HistoryEvent[] = [];
          let token: string | undefined;
          do {
            const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken: token }));
            events.push(...(h.events ?? []));
            token = h.nextToken;
          } while (token);
          out.push({ where: `${d.name} history`, text: JSON.stringify(events) });
        }),
      );
    }
  }
  return out;
}

async function tableText(ctx: ProofContext): Promise<string> {
  const db = new DynamoDBClient({ region: 'eu-north-1', endpoint: ctx.host.dynamoUrl, credentials });
  const parts: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: 'stegvis', ExclusiveStartKey: start as never }));
    parts.push(JSON.stringify(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return parts.join('\n').toLowerCase();
}

/**
 * A referral of a person of its own (distinctive made-up name, identity number, address, phone and
 * health text), accepted, with a study visit proposed: mail to the participant, the referrer and
 * the coordinator, and a workflow that has carried the case through several states.
 */
async function seedOwnCase(ctx: ProofContext) {
  const host = ctx.host;
  const tag = randomBytes(4).toString('hex');
  const name = `Integritetia Skyddsson ${tag}`;
  const identityNumber = exampleIdentityNumber(1 + (parseInt(tag.slice(0, 3), 16) % 999), '19790412');
  const email = `integritetia.skyddsson.${tag}@example.se`;
  const phone = `070-${String(parseInt(tag.slice(2, 8), 16) % 1_000_000).padStart(6, '0')} 4`;
  const health = `Behöver vilopauser efter epilepsianfall ${tag}`;
  const referrer = await new Session(host.baseUrl).signIn(USERS.referrer);
  const coordinator = await new Session(host.baseUrl).signIn(USERS.coordinator);
  const caseId = await submitReferral(
    referrer,
    referralForm({
      participantName: name,
      identityNumber,
      email,
      phone,
      adaptationNeeds: health,
      unitId: 'matmissionen',
      plannedStart: virtualDay(host, 10),
      plannedEnd: virtualDay(host, 200),
    }),
  );
  await acceptReferral(coordinator, caseId);
  await waitForStep(coordinator, caseId, 'studyVisitProposal');
  const visit = meetingTime(host, { fromNow: 3 * DAY_MS });
  const r = await coordinator.post(`/cases/${caseId}/study-visit`, meetingFields(visit));
  if (r.status !== 303) throw new Error(`study visit refused: ${r.status}`);
  await waitForMail(host, 'the participant’s study-visit invitation', (m) => sentTo(m, email));
  return { values: [name, identityNumber, email, phone, health], checks: [name, identityNumber, health] };
}
