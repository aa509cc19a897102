/**
 * The single table's key schema, shared by the CDK table and the local host's DynamoDB Local
 * table so both hosts store the same items.
 *
 * Items: CASE#<id>/CASE (gsi1: ORG#<org>, gsi2: CASES — both sorted by creation),
 * SUBMISSION#<id>/SUBMISSION (idempotency, expires), COUNTER#reference#<year>/COUNTER,
 * UNIT#<id>/UNIT (gsi1: UNITS), CASE#<id>/ENTRY#<kind>#… (long texts beside a record),
 * CASE#<id>/MAIL#<intent> (the mail ledger: each mail sent once, expires), LINK#<hash>/LINK,
 * CASE#<id>/PL#<key> (the console's index rows of a case, one per filter key of its summary: plpk is
 * the key, plC/plD/plS its created, next-due and training-start sort values; see core/placements.ts),
 * AUDIT#<yyyy-mm>/<iso>#<id> (the audit trail of admin actions), STAFF#<sub>/STAFF (an account
 * marked disabled: the authorizer refuses its sessions), REQUEST#<key>/REQUEST (a form handled once,
 * expires).
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;
export const TABLE_INDEXES = [
  { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  { indexName: 'pl-created', partitionKey: 'plpk', sortKey: 'plC' },
  { indexName: 'pl-due', partitionKey: 'plpk', sortKey: 'plD' },
  { indexName: 'pl-start', partitionKey: 'plpk', sortKey: 'plS' },
] as const;
export const TTL_ATTRIBUTE = 'expiresAt';
