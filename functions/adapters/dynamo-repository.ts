import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CaseRecord } from '#core/case';
import { SubmissionInFlightError, UnitFullError } from '#core/errors';
import {
  listingKeys,
  type PlacementQuery,
  type PlacementSummary,
  rowDimensions,
  type SortIndex,
  sortValues,
} from '#core/placements';
import type {
  AuditEvent,
  CaseEntry,
  CaseRepository,
  EntryKind,
  MailIntent,
  Page,
  PageRequest,
  ParticipantLink,
  SaveOptions,
  StaffSessionMark,
  SubmissionClaim,
  SubmissionState,
  UnitWriteExpectation,
} from '#core/ports';
import { personKey } from '#core/reports';
import { auditExpiresAt, retentionDue } from '#core/retention';
import type { Unit } from '#core/units';

const SUBMISSION_TTL_S = 30 * 24 * 3600;
/** The mail ledger keeps an intent for 400 days: far past every retry and every meeting. */
const MAIL_TTL_S = 400 * 24 * 3600;
const CURSOR = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z#([a-z0-9]{8,40})$/;

const caseKey = (caseId: string) => ({ pk: `CASE#${caseId}`, sk: 'CASE' });
const submissionKey = (submissionId: string) => ({ pk: `SUBMISSION#${submissionId}`, sk: 'SUBMISSION' });
/** `state`, `owner` and `reference` are DynamoDB reserved words. */
const SUBMISSION_NAMES = { '#state': 'state', '#owner': 'owner' };
const placesKey = (unitId: string) => ({ pk: `UNIT#${unitId}`, sk: 'PLACES' });
const unitKey = (unitId: string) => ({ pk: `UNIT#${unitId}`, sk: 'UNIT' });
const staffKey = (sub: string) => ({ pk: `STAFF#${sub}`, sk: 'STAFF' });
const mailKey = (i: MailIntent) => ({ pk: `CASE#${i.caseId}`, sk: `MAIL#${i.key}` });
const KEY_FIELDS = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'entity'] as const;

/**
 * Beside a case, in its partition: its person lookup (gsi2 by the one-way key of the identity
 * number, for the register extract) and, once it is closed, its retention key (gsi1 `RETAIN`,
 * sorted by when its personal data falls due: a sparse index the retention job reads).
 */
const personItem = (c: CaseRecord) => ({
  pk: `CASE#${c.caseId}`,
  sk: 'PERSON',
  entity: 'person',
  gsi2pk: `PERSON#${personKey(c.participant.identityNumber)}`,
  gsi2sk: c.caseId,
  caseId: c.caseId,
});
const retentionItem = (caseId: string, due: string) => ({
  pk: `CASE#${caseId}`,
  sk: 'RETAIN',
  entity: 'retention',
  gsi1pk: 'RETAIN',
  gsi1sk: `${due}#${caseId}`,
  caseId,
  due,
});
/** Items of a case's partition that the removal of its personal data deletes. */
const PURGED_PREFIXES = ['ENTRY#', 'MAIL#', 'RETAIN', 'PERSON'];
const stripTtl = ({ expiresAt: _e, ...rest }: Record<string, unknown>) => rest;

function toCaseItem(c: CaseRecord) {
  const order = `${c.createdAt}#${c.caseId}`;
  return {
    ...caseKey(c.caseId),
    entity: 'case',
    gsi1pk: `ORG#${c.organisationId}`,
    gsi1sk: order,
    gsi2pk: 'CASES',
    gsi2sk: order,
    ...c,
  };
}

/** The console's index rows of a case: one per key of its summary (see core/placements.ts). */
const LISTING_INDEX: Record<SortIndex, { index: string; attr: string }> = {
  created: { index: 'pl-created', attr: 'plC' },
  due: { index: 'pl-due', attr: 'plD' },
  start: { index: 'pl-start', attr: 'plS' },
};
const listingKey = (caseId: string, key: string) => ({ pk: `CASE#${caseId}`, sk: `PL#${key}` });
function listingItems(s: PlacementSummary) {
  const sorts = sortValues(s);
  return listingKeys(s).map((key) => ({
    ...listingKey(s.caseId, key),
    entity: 'listing',
    plpk: key,
    plC: sorts.created,
    plD: sorts.due,
    plS: sorts.start,
    dims: rowDimensions(s),
    s,
  }));
}
const sameSummary = (a: PlacementSummary | undefined, b: PlacementSummary | undefined) =>
  JSON.stringify(a) === JSON.stringify(b);
/** A cursor of the list: the last row's keys, bound to the key the query reads. */
function encodeCursor(key: Record<string, unknown> | undefined) {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}
function decodeCursor(cursor: string | undefined, plpk: string, attr: string) {
  if (!cursor || cursor.length > 1000) return undefined;
  try {
    const k = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as Record<string, unknown>;
    const ok =
      k.plpk === plpk &&
      typeof k.pk === 'string' &&
      /^CASE#[a-z0-9]{8,40}$/.test(k.pk) &&
      k.sk === `PL#${plpk}` &&
      typeof k[attr] === 'string' &&
      Object.keys(k).length === 4;
    return ok ? k : undefined;
  } catch {
    return undefined;
  }
}

function fromItem<T>(item: Record<string, unknown>): T {
  const copy: Record<string, unknown> = { ...item };
  for (const k of KEY_FIELDS) delete copy[k];
  return copy as T;
}

/**
 * The document client: on `client`, or on a client with region and endpoint from the environment
 * (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB) and `timeouts` (ms).
 */
export function createDocumentClient(
  client?: DynamoDBClient,
  timeouts: { requestTimeout: number; connectionTimeout: number } = {
    requestTimeout: 5_000,
    connectionTimeout: 2_000,
  },
) {
  // A plain-object handler config: the SDK builds its own NodeHttpHandler from it, and without
  // throwOnRequestTimeout a request timeout only logs a warning (a hung call would run into the
  // Lambda timeout instead of failing and being retried).
  const dynamo =
    client ??
    new DynamoDBClient({ maxAttempts: 4, requestHandler: { ...timeouts, throwOnRequestTimeout: true } });
  return DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
}

/** The CaseRepository on DynamoDB (single table; see table-schema.ts). */
export class DynamoCaseRepository implements CaseRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  async nextReference(year: number): Promise<string> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `COUNTER#reference#${year}`, sk: 'COUNTER' },
        UpdateExpression: 'ADD n :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return `SV-${year}-${String(out.Attributes?.n ?? 0).padStart(4, '0')}`;
  }

  async createCase(record: CaseRecord, submissionId: string, claim?: { owner: string }) {
    // With a claim, the claim's owner turns its marker into the stored one in the same transaction
    // as the case; without (seeding), the marker must be new. A double submit can race: the loser
    // sees a conflict while the winner's transaction is in flight, and then finds the stored marker.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.table,
                  Item: {
                    ...submissionKey(submissionId),
                    entity: 'submission',
                    state: 'stored',
                    caseId: record.caseId,
                    reference: record.reference,
                    expiresAt: this.nowSeconds() + SUBMISSION_TTL_S,
                  },
                  ...(claim
                    ? {
                        ConditionExpression: '#owner = :owner AND #state = :pending',
                        ExpressionAttributeNames: SUBMISSION_NAMES,
                        ExpressionAttributeValues: { ':owner': claim.owner, ':pending': 'pending' },
                      }
                    : { ConditionExpression: 'attribute_not_exists(pk)' }),
                },
              },
              {
                Put: {
                  TableName: this.table,
                  Item: toCaseItem(record),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              ...(record.summary ? listingItems(record.summary) : []).map((Item) => ({
                Put: { TableName: this.table, Item },
              })),
              ...(record.participant.identityNumber
                ? [{ Put: { TableName: this.table, Item: personItem(record) } }]
                : []),
              ...(retentionDue(record)
                ? [
                    {
                      Put: {
                        TableName: this.table,
                        Item: retentionItem(record.caseId, retentionDue(record) as string),
                      },
                    },
                  ]
                : []),
              // The referring organisations the console filters by (names only; one item each).
              {
                Put: {
                  TableName: this.table,
                  Item: {
                    pk: `ORG#${record.caseOfficer.organisationId}`,
                    sk: 'ORG',
                    entity: 'organisation',
                    gsi1pk: 'ORGS',
                    gsi1sk: record.caseOfficer.organisationName,
                    organisationId: record.caseOfficer.organisationId,
                    name: record.caseOfficer.organisationName,
                  },
                },
              },
            ],
          }),
        );
        return { created: true, caseId: record.caseId };
      } catch (err) {
        if (!(err instanceof TransactionCanceledException)) throw err;
        const prior = await this.getSubmission(submissionId);
        if (prior?.state === 'stored') return { created: false, caseId: prior.caseId };
        const conflict = err.CancellationReasons?.some((r) => r.Code === 'TransactionConflict');
        if (conflict && attempt < 5) {
          await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
          continue;
        }
        // The claim is no longer this request's (taken over after its lease), nothing stored.
        if (claim && prior) throw new SubmissionInFlightError('Submission claimed by another request');
        throw err;
      }
    }
  }

  async claimSubmission(
    submissionId: string,
    o: { caseId: string; owner: string; leaseSeconds: number },
  ): Promise<SubmissionClaim> {
    for (let attempt = 0; ; attempt++) {
      const now = this.nowSeconds();
      try {
        const out = await this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: submissionKey(submissionId),
            // A released claim keeps its case id and reserved reference for the next attempt.
            UpdateExpression:
              'SET entity = :e, #state = :pending, #owner = :owner, claimedAt = :now, caseId = if_not_exists(caseId, :caseId), expiresAt = :exp',
            ConditionExpression:
              'attribute_not_exists(pk) OR #state = :released OR (#state = :pending AND claimedAt < :stale)',
            ExpressionAttributeNames: SUBMISSION_NAMES,
            ExpressionAttributeValues: {
              ':e': 'submission',
              ':pending': 'pending',
              ':released': 'released',
              ':owner': o.owner,
              ':now': now,
              ':stale': now - o.leaseSeconds,
              ':caseId': o.caseId,
              ':exp': now + SUBMISSION_TTL_S,
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        const a = out.Attributes ?? {};
        return {
          state: 'claimed',
          caseId: String(a.caseId),
          ...(typeof a.reference === 'string' ? { reference: a.reference } : {}),
        };
      } catch (err) {
        const name = (err as Error).name;
        // A conflict: the holder's transaction is storing the case in this very moment.
        if (name !== 'ConditionalCheckFailedException' && name !== 'TransactionConflictException') throw err;
        const prior = await this.getSubmission(submissionId);
        if (prior?.state === 'stored') return { state: 'stored', caseId: prior.caseId };
        if (name === 'TransactionConflictException')
          return { state: 'pending', caseId: prior?.caseId ?? o.caseId };
        if (prior?.state === 'pending') return { state: 'pending', caseId: prior.caseId };
        // Released (or gone) between the write and the read: claim it again.
        if (attempt >= 3) return { state: 'pending', caseId: prior?.caseId ?? o.caseId };
      }
    }
  }

  async reserveSubmissionReference(submissionId: string, owner: string, reference: string) {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: submissionKey(submissionId),
          UpdateExpression: 'SET #reference = :r',
          ConditionExpression: '#owner = :owner AND #state = :pending',
          ExpressionAttributeNames: { ...SUBMISSION_NAMES, '#reference': 'reference' },
          ExpressionAttributeValues: { ':r': reference, ':owner': owner, ':pending': 'pending' },
        }),
      );
      return true;
    } catch (err) {
      if ((err as Error).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  async getSubmission(submissionId: string): Promise<SubmissionState | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: submissionKey(submissionId), ConsistentRead: true }),
    );
    const item = out.Item;
    if (!item || typeof item.caseId !== 'string') return undefined;
    // A marker written before claims existed has no state: it was written with its case.
    const state = item.state === 'pending' || item.state === 'released' ? item.state : 'stored';
    return {
      state,
      caseId: item.caseId,
      ...(typeof item.reference === 'string' ? { reference: item.reference } : {}),
    };
  }

  async releaseSubmission(submissionId: string, owner: string) {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: submissionKey(submissionId),
          UpdateExpression: 'SET #state = :released REMOVE #owner, claimedAt',
          ConditionExpression: '#owner = :owner AND #state = :pending',
          ExpressionAttributeNames: SUBMISSION_NAMES,
          ExpressionAttributeValues: { ':released': 'released', ':owner': owner, ':pending': 'pending' },
        }),
      );
    } catch (err) {
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
    }
  }

  async getCase(caseId: string) {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: caseKey(caseId), ConsistentRead: true }),
    );
    return out.Item ? fromItem<CaseRecord>(out.Item) : undefined;
  }

  async getCases(caseIds: readonly string[]) {
    const result: CaseRecord[] = [];
    for (let i = 0; i < caseIds.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = caseIds.slice(i, i + 100).map(caseKey);
      while (keys && keys.length > 0) {
        const out: BatchGetCommandOutput = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys } } }),
        );
        for (const item of out.Responses?.[this.table] ?? []) result.push(fromItem<CaseRecord>(item));
        keys = out.UnprocessedKeys?.[this.table]?.Keys;
      }
    }
    return result;
  }

  /**
   * The cursor is the index sort key of the last item (`<createdAt>#<caseId>`); the start key
   * is rebuilt from it inside the queried partition, so a cursor cannot reach another one.
   */
  private queryCases(index: 'gsi1' | 'gsi2', pk: string, page: PageRequest): Promise<Page<CaseRecord>> {
    return this.queryNewestFirst<CaseRecord>(index, pk, page, (after) => {
      const m = CURSOR.exec(after);
      return m ? caseKey(m[1] as string) : undefined;
    });
  }

  /**
   * One page of an index partition, newest first. The cursor is the last item's index sort key;
   * `tableKeyOf` gives the table key of the item it names (undefined for a cursor not made here).
   */
  private async queryNewestFirst<T>(
    index: 'gsi1' | 'gsi2',
    pk: string,
    page: PageRequest,
    tableKeyOf: (after: string) => { pk: string; sk: string } | undefined,
  ): Promise<Page<T>> {
    const key = page.after ? tableKeyOf(page.after) : undefined;
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: index,
        KeyConditionExpression: `${index}pk = :pk`,
        ExpressionAttributeValues: { ':pk': pk },
        ScanIndexForward: false,
        Limit: page.limit,
        ...(key && page.after
          ? { ExclusiveStartKey: { [`${index}pk`]: pk, [`${index}sk`]: page.after, ...key } }
          : {}),
      }),
    );
    const last = out.LastEvaluatedKey?.[`${index}sk`];
    return {
      items: (out.Items ?? []).map((i) => fromItem<T>(i)),
      ...(typeof last === 'string' ? { next: last } : {}),
    };
  }

  listCasesByOrganisation(organisationId: string, page: PageRequest) {
    return this.queryCases('gsi1', `ORG#${organisationId}`, page);
  }

  listCases(page: PageRequest) {
    return this.queryCases('gsi2', 'CASES', page);
  }

  /**
   * Active cases, reading the all-cases index and keeping the active ones until the page is
   * full. A sparse index of active cases is the scalable way; it comes with the admin console.
   */
  async listActiveCases(page: PageRequest): Promise<Page<CaseRecord>> {
    const items: CaseRecord[] = [];
    let after = page.after;
    do {
      const p = await this.queryCases('gsi2', 'CASES', { limit: Math.max(page.limit, 50), after });
      items.push(...p.items.filter((c) => c.status === 'active'));
      after = p.next;
    } while (after && items.length < page.limit);
    return { items, ...(after ? { next: after } : {}) };
  }

  async saveCase(next: CaseRecord, options: SaveOptions = {}): Promise<boolean> {
    const casePut = {
      TableName: this.table,
      Item: toCaseItem(next),
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': next.version - 1 },
    };
    const { claimPlace, releasePlace, entries = [], summaryBefore } = options;
    // A unit without places (the count item may not exist yet, which the condition below reads as
    // a free place): nothing to claim.
    if (claimPlace && claimPlace.capacity <= 0) throw new UnitFullError(`${claimPlace.unitId} has no places`);
    const rowsChange = !sameSummary(summaryBefore, next.summary);
    if (!claimPlace && !releasePlace && entries.length === 0 && !rowsChange) {
      try {
        await this.doc.send(new PutCommand(casePut));
        return true;
      } catch (err) {
        if ((err as Error).name === 'ConditionalCheckFailedException') return false;
        throw err;
      }
    }
    // The record, the unit's place count and the entries change together or not at all.
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
      { Put: casePut },
    ];
    if (claimPlace)
      items.push({
        Update: {
          TableName: this.table,
          Key: placesKey(claimPlace.unitId),
          UpdateExpression: 'SET inUse = if_not_exists(inUse, :zero) + :one, entity = :entity',
          ConditionExpression: 'attribute_not_exists(inUse) OR inUse < :capacity',
          ExpressionAttributeValues: {
            ':zero': 0,
            ':one': 1,
            ':capacity': claimPlace.capacity,
            ':entity': 'places',
          },
        },
      });
    if (releasePlace)
      items.push({
        Update: {
          TableName: this.table,
          Key: placesKey(releasePlace.unitId),
          UpdateExpression: 'SET inUse = inUse - :one',
          ConditionExpression: 'inUse > :zero',
          ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
        },
      });
    for (const e of entries)
      items.push({
        Put: {
          TableName: this.table,
          Item: {
            pk: caseKey(next.caseId).pk,
            sk: `ENTRY#${e.kind}#${next.updatedAt}#${e.entryId}`,
            entity: 'entry',
            kind: e.kind,
            entryId: e.entryId,
            data: e.data,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    // A case that closes (its summary changes then) gets its retention key in the same write.
    const due = retentionDue(next);
    if (rowsChange && due)
      items.push({ Put: { TableName: this.table, Item: retentionItem(next.caseId, due) } });
    if (rowsChange) {
      const rows = next.summary ? listingItems(next.summary) : [];
      const kept = new Set(rows.map((r) => r.plpk));
      for (const Item of rows) items.push({ Put: { TableName: this.table, Item } });
      for (const key of summaryBefore ? listingKeys(summaryBefore) : [])
        if (!kept.has(key))
          items.push({ Delete: { TableName: this.table, Key: listingKey(next.caseId, key) } });
    }
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      const reasons = err.CancellationReasons ?? [];
      if (
        claimPlace &&
        reasons[1]?.Code === 'ConditionalCheckFailed' &&
        reasons[0]?.Code !== 'ConditionalCheckFailed'
      )
        throw new UnitFullError(`Every place of ${claimPlace.unitId} is held`);
      // A release of a count already at zero must not block closing the case: retry without it.
      if (
        releasePlace &&
        reasons[claimPlace ? 2 : 1]?.Code === 'ConditionalCheckFailed' &&
        reasons[0]?.Code !== 'ConditionalCheckFailed'
      )
        return this.saveCase(next, { ...options, releasePlace: undefined });
      return false;
    }
  }

  async listPlacements(q: PlacementQuery, page: PageRequest) {
    const { index, attr } = LISTING_INDEX[q.index];
    const names: Record<string, string> = { '#pk': 'plpk' };
    const values: Record<string, unknown> = { ':pk': q.key };
    let condition = '#pk = :pk';
    if (q.range?.from !== undefined || q.range?.to !== undefined) names['#sk'] = attr;
    if (q.range?.from !== undefined && q.range.to !== undefined) {
      condition += ' AND #sk BETWEEN :from AND :to';
      values[':from'] = q.range.from;
      values[':to'] = q.range.to;
    } else if (q.range?.from !== undefined) {
      condition += ' AND #sk >= :from';
      values[':from'] = q.range.from;
    } else if (q.range?.to !== undefined) {
      condition += ' AND #sk < :to';
      values[':to'] = q.range.to;
    }
    const filters = Object.entries(q.residual).map(([d, v], i) => {
      names['#dims'] = 'dims';
      names[`#d${i}`] = d;
      values[`:v${i}`] = v;
      return `contains(#dims.#d${i}, :v${i})`;
    });
    const items: PlacementSummary[] = [];
    let start = decodeCursor(page.after, q.key, attr);
    // A filter the key does not serve can leave pages short: read on, a bounded number of times.
    for (let round = 0; round < 8; round++) {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: index,
          KeyConditionExpression: condition,
          ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: q.forward,
          Limit: filters.length > 0 ? Math.max(page.limit * 4, 100) : page.limit + 1 - items.length,
          ExclusiveStartKey: start,
        }),
      );
      for (const i of out.Items ?? []) {
        if (items.length === page.limit) {
          // One more row than the page: the page ends before it.
          const last = items[items.length - 1];
          return { items, next: last ? this.cursorAfter(last, q, attr) : undefined };
        }
        items.push(i.s as PlacementSummary);
      }
      start = out.LastEvaluatedKey;
      if (!start) return { items };
    }
    const last = items[items.length - 1];
    return { items, next: last ? this.cursorAfter(last, q, attr) : encodeCursor(start) };
  }

  private cursorAfter(s: PlacementSummary, q: PlacementQuery, attr: string) {
    const sorts = sortValues(s);
    const value = attr === 'plC' ? sorts.created : attr === 'plD' ? sorts.due : sorts.start;
    return encodeCursor({ ...listingKey(s.caseId, q.key), plpk: q.key, [attr]: value });
  }

  async claimAudit(e: AuditEvent): Promise<'claimed' | AuditEvent> {
    const order = `${e.at}#${e.auditId}`;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: `AUDIT#${e.auditId}`,
            sk: 'AUDIT',
            entity: 'audit',
            gsi1pk: 'AUDIT',
            gsi1sk: order,
            ...(e.caseId ? { gsi2pk: `AUDIT#CASE#${e.caseId}`, gsi2sk: order } : {}),
            ...e,
            expiresAt: auditExpiresAt(e.at),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'claimed';
    } catch (err) {
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
      const existing = await this.getAudit(e.auditId);
      if (!existing) throw err;
      return existing;
    }
  }

  async getAudit(auditId: string): Promise<AuditEvent | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: `AUDIT#${auditId}`, sk: 'AUDIT' },
        ConsistentRead: true,
      }),
    );
    return out.Item ? fromItem<AuditEvent>(stripTtl(out.Item)) : undefined;
  }

  async finishAudit(auditId: string, end: Pick<AuditEvent, 'outcome' | 'refusal' | 'detail'>) {
    const sets = ['outcome = :o'];
    const values: Record<string, unknown> = { ':o': end.outcome };
    if (end.refusal) {
      sets.push('refusal = :r');
      values[':r'] = end.refusal;
    }
    if (end.detail) {
      sets.push('detail = :d');
      values[':d'] = end.detail;
    }
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `AUDIT#${auditId}`, sk: 'AUDIT' },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: values,
      }),
    );
  }

  async listAudit(q: { caseId?: string }, page: PageRequest): Promise<Page<AuditEvent>> {
    const out = await this.queryNewestFirst<Record<string, unknown>>(
      q.caseId ? 'gsi2' : 'gsi1',
      q.caseId ? `AUDIT#CASE#${q.caseId}` : 'AUDIT',
      page,
      (after) => {
        const m = /^[\d\-T:.Z]{20,30}#([A-Za-z0-9_-]{16,64})$/.exec(after);
        return m ? { pk: `AUDIT#${m[1]}`, sk: 'AUDIT' } : undefined;
      },
    );
    return { ...out, items: out.items.map((i) => stripTtl(i) as unknown as AuditEvent) };
  }

  async putLink(link: ParticipantLink) {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        // gsi2 by case: the removal of a case's personal data finds its links.
        Item: {
          pk: `LINK#${link.hash}`,
          sk: 'LINK',
          entity: 'link',
          gsi2pk: `LINKS#${link.caseId}`,
          gsi2sk: link.hash,
          ...link,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getLink(hash: string): Promise<ParticipantLink | undefined> {
    if (!/^[0-9a-f]{64}$/.test(hash)) return undefined;
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: `LINK#${hash}`, sk: 'LINK' },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { hash: h, caseId, meetingId, sequence, createdAt, expiresAt } = out.Item as ParticipantLink;
    return { hash: h, caseId, meetingId, sequence, createdAt, expiresAt };
  }

  async claimMail(intent: MailIntent, o: { now: number; leaseMs: number }) {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: mailKey(intent),
          UpdateExpression:
            'SET #s = :sending, claimedAt = :now, attempts = if_not_exists(attempts, :zero) + :one, entity = :entity, expiresAt = :expires',
          // Free, given back after a failed send, or claimed by an attempt whose lease ran out.
          ConditionExpression:
            'attribute_not_exists(pk) OR #s = :released OR (#s = :sending AND claimedAt < :stale)',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ':released': 'released',
            ':now': o.now,
            ':stale': o.now - o.leaseMs,
            ':zero': 0,
            ':one': 1,
            ':entity': 'mail',
            ':expires': this.nowSeconds() + MAIL_TTL_S,
          },
        }),
      );
      return 'claimed' as const;
    } catch (err) {
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
      const out = await this.doc.send(
        new GetCommand({ TableName: this.table, Key: mailKey(intent), ConsistentRead: true }),
      );
      return out.Item?.state === 'sent' ? ('sent' as const) : ('busy' as const);
    }
  }

  async markMailSent(intent: MailIntent, o: { now: number; messageId: string }) {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: mailKey(intent),
        UpdateExpression: 'SET #s = :sent, sentAt = :now, messageId = :id',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':sent': 'sent', ':now': o.now, ':id': o.messageId.slice(0, 200) },
      }),
    );
  }

  async releaseMail(intent: MailIntent) {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: mailKey(intent),
          UpdateExpression: 'SET #s = :released',
          ConditionExpression: '#s = :sending',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':released': 'released', ':sending': 'sending' },
        }),
      );
    } catch (err) {
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
    }
  }

  async listRetentionDue(until: string, page: PageRequest): Promise<Page<{ caseId: string; due: string }>> {
    let start: Record<string, unknown> | undefined;
    if (page.after) {
      const m = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)#([a-z0-9]{8,40})$/.exec(page.after);
      if (m) start = { ...retentionItem(m[2] as string, m[1] as string) };
      if (start) start = { pk: start.pk, sk: start.sk, gsi1pk: start.gsi1pk, gsi1sk: start.gsi1sk };
    }
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :until',
        ExpressionAttributeValues: { ':pk': 'RETAIN', ':until': `${until}#~` },
        Limit: page.limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const last = out.LastEvaluatedKey?.gsi1sk;
    return {
      items: (out.Items ?? []).map((i) => ({ caseId: String(i.caseId), due: String(i.due) })),
      ...(typeof last === 'string' ? { next: last } : {}),
    };
  }

  async findCasesByPerson(key: string): Promise<string[]> {
    const ids: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': `PERSON#${key}` },
          ExclusiveStartKey: start,
        }),
      );
      for (const i of out.Items ?? []) ids.push(String(i.caseId));
      start = out.LastEvaluatedKey;
    } while (start);
    return ids;
  }

  async purgeCaseItems(caseId: string): Promise<number> {
    const keys: { pk: string; sk: string }[] = [];
    const collect = async (
      input: ConstructorParameters<typeof QueryCommand>[0],
      keep: (sk: string) => boolean,
    ) => {
      let start: Record<string, unknown> | undefined;
      do {
        const out = await this.doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
        for (const i of out.Items ?? [])
          if (keep(String(i.sk))) keys.push({ pk: String(i.pk), sk: String(i.sk) });
        start = out.LastEvaluatedKey;
      } while (start);
    };
    await collect(
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': caseKey(caseId).pk },
        ProjectionExpression: 'pk, sk',
        ConsistentRead: true,
      },
      (sk) => PURGED_PREFIXES.some((p) => sk.startsWith(p)),
    );
    await collect(
      {
        TableName: this.table,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': `LINKS#${caseId}` },
      },
      (sk) => sk === 'LINK',
    );
    for (const Key of keys) await this.doc.send(new DeleteCommand({ TableName: this.table, Key }));
    return keys.length;
  }

  async placesInUse(unitId: string) {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: placesKey(unitId), ConsistentRead: true }),
    );
    return typeof out.Item?.inUse === 'number' ? out.Item.inUse : 0;
  }

  async listEntries(caseId: string, kind: EntryKind): Promise<CaseEntry[]> {
    const out: CaseEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': caseKey(caseId).pk, ':prefix': `ENTRY#${kind}#` },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const i of page.Items ?? [])
        out.push({ kind, entryId: String(i.entryId), data: (i.data ?? {}) as Record<string, unknown> });
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  private unitsCache?: { at: number; units: Promise<Unit[]> };
  /** Units change rarely (an admin's edit): read at most every 30 s per process. */
  async listUnits(): Promise<Unit[]> {
    const now = Date.now();
    if (!this.unitsCache || now - this.unitsCache.at > 30_000) {
      const units = this.readUnits();
      this.unitsCache = { at: now, units };
      units.catch(() => {
        if (this.unitsCache?.units === units) this.unitsCache = undefined;
      });
    }
    return structuredClone(await this.unitsCache.units);
  }

  async listOrganisations(): Promise<{ organisationId: string; name: string }[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': 'ORGS' },
      }),
    );
    return (out.Items ?? []).map((i) => ({ organisationId: String(i.organisationId), name: String(i.name) }));
  }

  private async readUnits(): Promise<Unit[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': 'UNITS' },
      }),
    );
    return (out.Items ?? []).map((i) => fromItem<Unit>(i));
  }

  async getUnit(unitId: string): Promise<Unit | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: unitKey(unitId), ConsistentRead: true }),
    );
    return out.Item ? fromItem<Unit>(out.Item) : undefined;
  }

  async putUnit(unit: Unit, expect?: UnitWriteExpectation): Promise<boolean> {
    this.unitsCache = undefined;
    const condition = !expect
      ? {}
      : 'create' in expect
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : expect.version === 0
          ? { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(version)' }
          : {
              ConditionExpression: 'version = :expected',
              ExpressionAttributeValues: { ':expected': expect.version },
            };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...unitKey(unit.unitId), entity: 'unit', gsi1pk: 'UNITS', gsi1sk: unit.name, ...unit },
          ...condition,
        }),
      );
      return true;
    } catch (err) {
      if ((err as Error).name === 'ConditionalCheckFailedException') return false;
      throw err;
    } finally {
      this.unitsCache = undefined;
    }
  }

  async claimRequest(key: string, o: { expiresAt: number }) {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: `REQUEST#${key}`, sk: 'REQUEST', entity: 'request', expiresAt: o.expiresAt },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if ((err as Error).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  async releaseRequest(key: string) {
    await this.doc.send(
      new DeleteCommand({ TableName: this.table, Key: { pk: `REQUEST#${key}`, sk: 'REQUEST' } }),
    );
  }

  async setStaffDisabled(sub: string, disabled: boolean) {
    // An update, not a put or delete: the mark also carries the last sign-out, which must stay.
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: staffKey(sub),
        UpdateExpression: disabled ? 'SET entity = :e, disabled = :t' : 'SET entity = :e REMOVE disabled',
        ExpressionAttributeValues: disabled ? { ':e': 'staff', ':t': true } : { ':e': 'staff' },
      }),
    );
  }

  async isStaffDisabled(sub: string) {
    return (await this.staffSessionMark(sub)).disabled;
  }

  async staffSessionMark(sub: string): Promise<StaffSessionMark> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: staffKey(sub), ConsistentRead: true }),
    );
    const item = out.Item ?? {};
    return {
      disabled: item.disabled === true,
      ...(typeof item.signedOutAtSec === 'number' ? { signedOutAtSec: item.signedOutAtSec } : {}),
      ...(Array.isArray(item.revokedJtis) ? { revokedJtis: item.revokedJtis as string[] } : {}),
    };
  }

  async markSignedOut(sub: string, o: { atSec: number; jti?: string }) {
    // The session ids of earlier seconds are covered by the time; only this second's are kept.
    const before = await this.staffSessionMark(sub);
    const kept = before.signedOutAtSec === o.atSec ? (before.revokedJtis ?? []) : [];
    const jtis = o.jti ? [...kept.filter((j) => j !== o.jti), o.jti].slice(-50) : kept;
    const atSec = Math.max(o.atSec, before.signedOutAtSec ?? 0);
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: staffKey(sub),
        UpdateExpression: 'SET entity = :e, signedOutAtSec = :s, revokedJtis = :j',
        ExpressionAttributeValues: { ':e': 'staff', ':s': atSec, ':j': jtis },
      }),
    );
  }
}
