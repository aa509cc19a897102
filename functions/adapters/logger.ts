import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one structured logger. Log ids, route keys, statuses and error names only: never
 * personal data (names, identity numbers, e-mail addresses, free text from forms).
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'stegvis' });
