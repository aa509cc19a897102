import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '#adapters/dynamo-repository';
import type { CaseRecord } from '#core/case';
import { exampleIdentityNumber } from '#core/personnummer';
import { calendarOf, recipients, referralForm, virtualDay } from '#test/support/flows';
import type { TestHost } from '#test/support/host';
import { Session, type StoredMail, USERS } from '#test/support/session';
import type { ProofContext } from '../kit.ts';

/**
 * Helpers of the fault goals (crash, ses-faults): the local SES's fault switches, a unit of the
 * goal's own, made-up participants (every value registered as personal data), executions read
 * from the local Step Functions, the mail ledger read from DynamoDB, mails grouped by intent, and
 * the metrics the handlers wrote as EMF lines in the host's output.
 */

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const EXECUTION_ARN = 'arn:aws:states:eu-north-1:000000000000:execution:stegvis-placement';

export interface MailFaults {
  sendFailureRate: number;
  crashAfterMailTo?: string;
  rejectMailTo: string[];
  injected: { failedSends: number; rejectedSends: number; sends: number };
}

/** Sets the local SES's fault switches (`POST /faults`); gives them as the desk holds them now. */
export async function setMailFaults(host: TestHost, f: Record<string, unknown>): Promise<MailFaults> {
  const r = await fetch(`${host.sesUrl}/faults`, { method: 'POST', body: JSON.stringify(f) });
  if (!r.ok) throw new Error(`mail faults not set: ${r.status} ${await r.text()}`);
  return (await r.json()) as MailFaults;
}

/** Every switch off (what the goals after ours expect); the counts stay. */
export const mailFaultsOff = (host: TestHost) =>
  setMailFaults(host, { sendFailureRate: 0, crashAfterMailTo: null, rejectMailTo: null });

/** The admin, the referrer and the coordinator, each signed in. */
export const signInStaff = (host: TestHost) =>
  Promise.all([
    new Session(host.baseUrl).signIn(USERS.admin),
    new Session(host.baseUrl).signIn(USERS.referrer),
    new Session(host.baseUrl).signIn(USERS.coordinator),
  ]);

/** A unit of the goal's own (its places never run out for another goal's cases, and back). */
export async function createUnit(admin: Session, name: string, places = 500): Promise<string> {
  const r = await admin.post('/admin/units', {
    unitName: name,
    description: 'Enhet för bevisen.',
    address: 'Felgatan 3, Malmö',
    unitPhone: '040-12 34 98',
    tasks: 'sortering\npackning',
    places: String(places),
    talkIntervalDays: '14',
    talkEscalationDays: '7',
    followUpIntervalDays: '56',
    ladder: '25, 40, 50, 75, 100',
    coordinatorEmails: 'karin.praktikansvarig@stadsmissionen.example',
    supervisors: 'Sami Handledare, sami.handledare@stadsmissionen.example',
    version: '0',
  });
  const id = /#unit-([a-z0-9-]+)/.exec(r.headers.get('location') ?? '')?.[1];
  if (r.status !== 303 || !id)
    throw new Error(`unit not created: ${r.status} ${(await r.text()).slice(0, 300)}`);
  return id;
}

const FIRST = ['Kalle', 'Lisa', 'Omar', 'Sara', 'Juha', 'Amira', 'Nils', 'Vera', 'Ali', 'Elin'];

/**
 * A made-up participant's referral form for `unitId`: name, identity number (born on `birthDate`,
 * serial `serial`) and an address carrying the name; each value registered as personal data.
 */
export function personForm(
  ctx: ProofContext,
  o: { unitId: string; surname: string; tag: string; serial: number; birthDate: string; i: number },
) {
  const first = FIRST[o.i % FIRST.length] as string;
  const form = referralForm({
    participantName: `${first} ${o.surname} ${o.tag}${o.i}`,
    identityNumber: exampleIdentityNumber(o.serial, o.birthDate),
    email: `${first.toLowerCase()}.${o.surname.toLowerCase()}.${o.tag}${o.i}@example.se`,
    adaptationNeeds: `Behöver pauser varannan timme (${o.tag}${o.i})`,
    unitId: o.unitId,
    plannedStart: virtualDay(ctx.host, 10),
    plannedEnd: virtualDay(ctx.host, 200),
  });
  for (const v of [form.participantName, form.identityNumber, form.email, form.adaptationNeeds, form.phone])
    ctx.personalData.add(v);
  return form;
}

/** A short random tag that keeps one run's people and units apart from another's. */
export const runTag = () => randomBytes(3).toString('hex');

/** A birth date for this run's identity numbers (serials 1–999 under it). */
export function runBirthDate(tag: string): string {
  const n = Number.parseInt(tag, 16);
  const year = 1960 + (n % 40);
  const month = 1 + ((n >> 6) % 12);
  const day = 1 + ((n >> 10) % 28);
  return `${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}`;
}

export const sfnOf = (host: TestHost) =>
  new SFNClient({ region: 'eu-north-1', endpoint: host.sfnUrl, credentials, maxAttempts: 5 });

/** The status of an execution by name ('NONE' when there is none). */
export async function executionStatus(sfn: SFNClient, name: string): Promise<string> {
  try {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn: `${EXECUTION_ARN}:${name}` }));
    return d.status ?? 'UNKNOWN';
  } catch (err) {
    if ((err as Error).name === 'ExecutionDoesNotExist') return 'NONE';
    throw err;
  }
}

export const documentOf = (host: TestHost) =>
  createDocumentClient(new DynamoDBClient({ region: 'eu-north-1', endpoint: host.dynamoUrl, credentials }));

export interface LedgerEntry {
  key: string;
  state: string;
  attempts: number;
  messageId?: string;
}

/** The mail ledger of a case (one item per intent: `MAIL#<key>` beside the case). */
export async function mailLedger(host: TestHost, caseId: string): Promise<LedgerEntry[]> {
  const doc = documentOf(host);
  const out: LedgerEntry[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: 'stegvis',
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :mail)',
        ExpressionAttributeValues: { ':pk': `CASE#${caseId}`, ':mail': 'MAIL#' },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const it of page.Items ?? [])
      out.push({
        key: String(it.sk).slice('MAIL#'.length),
        state: String(it.state),
        attempts: Number(it.attempts ?? 0),
        ...(it.messageId ? { messageId: String(it.messageId) } : {}),
      });
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** The case a mail is about: its SES tag, else the case link in its text. */
export const caseOfMail = (m: StoredMail): string | undefined =>
  m.tags?.case ?? /\/cases\/([a-z0-9]{8,40})/.exec(m.body.text ?? '')?.[1];

/**
 * What makes two mails "the same mail": the recipient, the case, the subject and, for a calendar
 * mail, its METHOD, UID and SEQUENCE. A mail sent twice is two mails with one identity.
 */
export function mailIdentities(m: StoredMail): string[] {
  let cal = '';
  if ((m.attachments ?? []).some((a) => /calendar|ics/.test(a.contentType))) {
    const c = calendarOf(m);
    cal = `${c.method} ${c.uid} ${c.sequence}`;
  }
  return recipients(m).map((to) => `${to} | ${caseOfMail(m) ?? '-'} | ${m.subject} | ${cal}`);
}

/** Identities that occur more than once, with their mails. */
export function duplicateMails(mails: StoredMail[]): Map<string, StoredMail[]> {
  const byId = new Map<string, StoredMail[]>();
  for (const m of mails) for (const id of mailIdentities(m)) byId.set(id, [...(byId.get(id) ?? []), m]);
  return new Map([...byId].filter(([, ms]) => ms.length > 1));
}

export interface EmfPoint {
  namespace: string;
  dimensions: Record<string, string>;
  name: string;
  value: number;
  at: number;
}

/** The business metrics the handlers wrote as CloudWatch EMF lines in the host's output. */
export function emfPoints(output: string, metric: string): EmfPoint[] {
  const out: EmfPoint[] = [];
  for (const line of output.split('\n')) {
    if (!line.includes('"_aws"') || !line.includes(`"${metric}"`)) continue;
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>;
    } catch {
      continue;
    }
    const aws = doc._aws as
      | {
          Timestamp: number;
          CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
        }
      | undefined;
    for (const d of aws?.CloudWatchMetrics ?? []) {
      if (!d.Metrics.some((x) => x.Name === metric)) continue;
      const raw = doc[metric];
      const values = (Array.isArray(raw) ? raw : [raw]).map(Number).filter(Number.isFinite);
      for (const set of d.Dimensions.length > 0 ? d.Dimensions : [[]])
        out.push({
          namespace: d.Namespace,
          dimensions: Object.fromEntries(set.map((k) => [k, String(doc[k])])),
          name: metric,
          value: values.reduce((a, b) => a + b, 0),
          at: aws?.Timestamp ?? 0,
        });
    }
  }
  return out;
}

/** Every active case of a unit, read page by page from the all-cases index. */
export async function activeCasesOf(
  repo: {
    listActiveCases(p: { limit: number; after?: string }): Promise<{ items: CaseRecord[]; next?: string }>;
  },
  unitId: string,
): Promise<CaseRecord[]> {
  const out: CaseRecord[] = [];
  let after: string | undefined;
  do {
    const page = await repo.listActiveCases({ limit: 200, ...(after ? { after } : {}) });
    out.push(...page.items.filter((c) => c.unitId === unitId));
    after = page.next;
  } while (after);
  return out;
}

/** Runs `fn` over the items, `n` at a time. */
export async function inBatches<T, R>(items: readonly T[], n: number, fn: (t: T, i: number) => Promise<R>) {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += n)
    out.push(...(await Promise.all(items.slice(i, i + n).map((t, j) => fn(t, i + j)))));
  return out;
}

export interface AlarmWatch {
  alarmId: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  statistic: string;
  periodSeconds: number;
  threshold: number;
  comparison: string;
}

/**
 * The CloudWatch alarm the CDK app defines on a business metric, read from a synthesized template
 * of the observability construct (the same class the stack uses; no functions, one HTTP API).
 */
export async function alarmOn(metricName: string): Promise<AlarmWatch | undefined> {
  const { App, Stack } = await import('aws-cdk-lib');
  const { Template } = await import('aws-cdk-lib/assertions');
  const { HttpApi, HttpStage } = await import('aws-cdk-lib/aws-apigatewayv2');
  const { StegvisObservability } = await import('../../../infra/cdk/constructs/observability.ts');
  const stack = new Stack(new App(), 'ProofAlarms');
  const api = new HttpApi(stack, 'Api', { createDefaultStage: false });
  const apiStage = new HttpStage(stack, 'Stage', { httpApi: api, stageName: 'proof' });
  new StegvisObservability(stack, 'Observability', { functions: new Map(), stateMachines: {}, apiStage });
  const alarms = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm') as Record<
    string,
    { Properties: Record<string, unknown> }
  >;
  for (const [id, a] of Object.entries(alarms)) {
    const p = a.Properties;
    if (p.MetricName !== metricName) continue;
    return {
      alarmId: id,
      namespace: String(p.Namespace),
      metricName,
      dimensions: Object.fromEntries(
        ((p.Dimensions ?? []) as { Name: string; Value: string }[]).map((d) => [d.Name, d.Value]),
      ),
      statistic: String(p.Statistic),
      periodSeconds: Number(p.Period),
      threshold: Number(p.Threshold),
      comparison: String(p.ComparisonOperator),
    };
  }
  return undefined;
}

/** Whether the points (the alarm's metric, its dimensions exactly) reach the alarm's threshold in one period ending `at`. */
export function alarmFires(
  alarm: AlarmWatch,
  points: EmfPoint[],
  at: number,
): { sum: number; fires: boolean } {
  const same = (d: Record<string, string>) =>
    Object.keys(d).length === Object.keys(alarm.dimensions).length &&
    Object.entries(alarm.dimensions).every(([k, v]) => d[k] === v);
  const sum = points
    .filter(
      (p) =>
        p.namespace === alarm.namespace &&
        p.name === alarm.metricName &&
        same(p.dimensions) &&
        p.at > at - alarm.periodSeconds * 1000 &&
        p.at <= at,
    )
    .reduce((a, p) => a + p.value, 0);
  const fires =
    alarm.statistic === 'Sum' &&
    (alarm.comparison === 'GreaterThanOrEqualToThreshold' ? sum >= alarm.threshold : sum > alarm.threshold);
  return { sum, fires };
}
