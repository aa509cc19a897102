import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CaseRecord } from '#core/case';
import type { CaseRepository, Page, PageRequest } from '#core/ports';
import type { Unit } from '#core/units';

const SUBMISSION_TTL_S = 30 * 24 * 3600;
const CURSOR = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z#([a-z0-9]{8,40})$/;

const caseKey = (caseId: string) => ({ pk: `CASE#${caseId}`, sk: 'CASE' });
const KEY_FIELDS = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'entity'] as const;

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

function fromItem<T>(item: Record<string, unknown>): T {
  const copy: Record<string, unknown> = { ...item };
  for (const k of KEY_FIELDS) delete copy[k];
  return copy as T;
}

export function createDocumentClient(client = new DynamoDBClient({ maxAttempts: 4 })) {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
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

  async createCase(record: CaseRecord, submissionId: string) {
    // A double submit can race: the loser sees a conflict while the winner's transaction is in
    // flight, and then finds the winner's submission marker once it has committed.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.table,
                  Item: {
                    pk: `SUBMISSION#${submissionId}`,
                    sk: 'SUBMISSION',
                    entity: 'submission',
                    caseId: record.caseId,
                    expiresAt: this.nowSeconds() + SUBMISSION_TTL_S,
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: this.table,
                  Item: toCaseItem(record),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
        return { created: true, caseId: record.caseId };
      } catch (err) {
        if (!(err instanceof TransactionCanceledException)) throw err;
        const prior = await this.doc.send(
          new GetCommand({
            TableName: this.table,
            Key: { pk: `SUBMISSION#${submissionId}`, sk: 'SUBMISSION' },
            ConsistentRead: true,
          }),
        );
        const caseId = prior.Item?.caseId;
        if (typeof caseId === 'string') return { created: false, caseId };
        const conflict = err.CancellationReasons?.some((r) => r.Code === 'TransactionConflict');
        if (!conflict || attempt >= 5) throw err;
        await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
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
  private async queryCases(index: 'gsi1' | 'gsi2', pk: string, page: PageRequest): Promise<Page<CaseRecord>> {
    const cursor = page.after && CURSOR.exec(page.after);
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: index,
        KeyConditionExpression: `${index}pk = :pk`,
        ExpressionAttributeValues: { ':pk': pk },
        ScanIndexForward: false,
        Limit: page.limit,
        ...(cursor
          ? {
              ExclusiveStartKey: {
                [`${index}pk`]: pk,
                [`${index}sk`]: cursor[0],
                ...caseKey(cursor[1] as string),
              },
            }
          : {}),
      }),
    );
    const last = out.LastEvaluatedKey?.[`${index}sk`];
    return {
      items: (out.Items ?? []).map((i) => fromItem<CaseRecord>(i)),
      ...(typeof last === 'string' ? { next: last } : {}),
    };
  }

  listCasesByOrganisation(organisationId: string, page: PageRequest) {
    return this.queryCases('gsi1', `ORG#${organisationId}`, page);
  }

  listCases(page: PageRequest) {
    return this.queryCases('gsi2', 'CASES', page);
  }

  async saveCase(next: CaseRecord) {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: toCaseItem(next),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': next.version - 1 },
        }),
      );
      return true;
    } catch (err) {
      if ((err as Error).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  async listUnits(): Promise<Unit[]> {
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

  async putUnit(unit: Unit) {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: `UNIT#${unit.unitId}`,
          sk: 'UNIT',
          entity: 'unit',
          gsi1pk: 'UNITS',
          gsi1sk: unit.name,
          ...unit,
        },
      }),
    );
  }
}
