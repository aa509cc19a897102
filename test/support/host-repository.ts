import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient, DynamoCaseRepository } from '#adapters/dynamo-repository';
import type { TestHost } from './host.ts';

/** The repository on a test host's DynamoDB Local, for seeding and reading records below HTTP. */
export function hostRepository(host: Pick<TestHost, 'dynamoUrl'>): DynamoCaseRepository {
  return new DynamoCaseRepository(
    createDocumentClient(
      new DynamoDBClient({
        region: 'eu-north-1',
        endpoint: host.dynamoUrl,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    ),
    'stegvis',
  );
}
