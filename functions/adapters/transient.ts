import { DomainError } from '#core/errors';

/**
 * Which failures of an AWS SDK call are worth trying again: the service did not answer in time,
 * throttled the caller, failed on its side (5xx), or the connection under it broke. The SDK has
 * already retried such a call a few times when it reaches us; the caller decides what comes next
 * (a state machine's Retry for a task, a 503 with Retry-After for a person).
 *
 * The lists follow the SDK's own retry classification (@smithy's service-error-classification),
 * kept here so a function bundle does not reach into a transitive package.
 */

export type TransientKind = 'timeout' | 'throttling' | 'server' | 'network';

const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

const THROTTLING_NAMES = new Set([
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);

const SERVER_NAMES = new Set(['InternalServerError', 'InternalFailure', 'ServiceUnavailable']);

/** Node's codes for a connection that broke, timed out, was refused or could not be resolved. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** DynamoDB transaction cancellation reasons that a retry can get past. */
const TRANSIENT_CANCELLATION = new Set([
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'TransactionConflict',
]);

interface SdkLikeError {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  $retryable?: { throttling?: boolean };
  $metadata?: { httpStatusCode?: number };
  CancellationReasons?: { Code?: string }[];
}

/**
 * The kind of transient failure `err` is, or undefined when retrying cannot help (a validation
 * error, a failed condition, a missing resource, a domain error, an unknown error).
 */
export function transientKind(err: unknown, depth = 0): TransientKind | undefined {
  if (typeof err !== 'object' || err === null || depth > 5) return undefined;
  // Named domain errors carry their own meaning (the ASL names them); only TransientError is one.
  if (err instanceof DomainError) return err.name === 'TransientError' ? 'server' : undefined;
  const e = err as SdkLikeError;
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  if (name === 'AbortError') return undefined;
  if (TIMEOUT_NAMES.has(name) || code === 'TimeoutError') return 'timeout';
  if (THROTTLING_NAMES.has(name) || e.$metadata?.httpStatusCode === 429 || e.$retryable?.throttling === true)
    return 'throttling';
  if (name === 'TransactionCanceledException' && Array.isArray(e.CancellationReasons)) {
    const codes = e.CancellationReasons.map((r) => r?.Code ?? 'None').filter((c) => c !== 'None');
    if (codes.length > 0 && codes.every((c) => TRANSIENT_CANCELLATION.has(c)))
      return codes.some((c) => c === 'TransactionConflict') ? 'server' : 'throttling';
    return undefined;
  }
  if (NETWORK_CODES.has(code)) return 'network';
  const status = e.$metadata?.httpStatusCode;
  if (SERVER_NAMES.has(name) || (typeof status === 'number' && status >= 500 && status <= 599))
    return 'server';
  if (e.$retryable !== undefined) return 'server';
  // A socket closed by the peer before an answer (Node's wording when no code is set).
  if (typeof e.message === 'string' && /^socket hang up$/i.test(e.message)) return 'network';
  return e.cause !== undefined ? transientKind(e.cause, depth + 1) : undefined;
}

export const isTransientAwsError = (err: unknown): boolean => transientKind(err) !== undefined;

/** Seconds a person is asked to wait before trying again after a transient failure. */
export const RETRY_AFTER_SECONDS = 5;
