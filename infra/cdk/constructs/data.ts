import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLE_INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '#adapters/table-schema';

const READ_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
];
const WRITE_ACTIONS = [
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
];
/**
 * What DynamoDB needs from the caller for a table encrypted with a customer managed key.
 * Listed explicitly (not `kms:GenerateDataKey*`/`kms:ReEncrypt*`) so no wildcard action is granted.
 */
const KMS_ACTIONS = [
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
];

/**
 * The single DynamoDB table, keys and indexes from functions/adapters/table-schema.ts (shared with
 * the local host's DynamoDB Local table): `pk`/`sk`, GSIs `gsi1` and `gsi2`, encrypted with a customer managed KMS key
 * because it holds special-category personal data: key use is auditable in CloudTrail and can be
 * revoked independently of table permissions. PITR, deletion protection, retained on stack deletion.
 */
export class StegvisData extends Construct {
  readonly table: Table;
  readonly key: Key;
  /** The indexes this deployment has (see `tableIndexes` below). */
  readonly indexes: readonly (typeof TABLE_INDEXES)[number][];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new Key(this, 'TableKey', {
      description: 'Stegvis: encryption at rest of the Stegvis DynamoDB table',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      deletionProtection: true,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudFormation adds one global secondary index per table update. A table deployed before
    // the console's three indexes existed gets them in steps: `-c tableIndexes=3`, then 4, then
    // the full set (the default). A new table gets them all at once.
    const wanted = Number(this.node.tryGetContext('tableIndexes') ?? TABLE_INDEXES.length);
    if (!Number.isInteger(wanted) || wanted < 2 || wanted > TABLE_INDEXES.length)
      throw new Error(`tableIndexes must be a whole number from 2 to ${TABLE_INDEXES.length}`);
    this.indexes = TABLE_INDEXES.slice(0, wanted);
    for (const index of this.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
  }

  /** Item-level access to the table and its named indexes, and use of the key through DynamoDB only. */
  grantItems(grantee: IGrantable, access: 'read' | 'readWrite'): void {
    const stack = Stack.of(this);
    const viaDynamoDb = `dynamodb.${stack.region}.${stack.urlSuffix}`;
    const actions = access === 'read' ? READ_ACTIONS : [...READ_ACTIONS, ...WRITE_ACTIONS];
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions,
        resources: [
          this.table.tableArn,
          ...this.indexes.map((index) => `${this.table.tableArn}/index/${index.indexName}`),
        ],
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: access === 'read' ? ['kms:Decrypt', 'kms:DescribeKey'] : KMS_ACTIONS,
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': viaDynamoDb } },
      }),
    );
  }
}
