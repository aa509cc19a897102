/**
 * Named domain errors. Each carries an HTTP status; only the error middleware maps them to
 * responses. State machines match them by `name` in Retry/Catch, so every name is a string
 * literal: a minifying bundler renames classes, and Lambda reports `error.name` as errorType.
 */
export class DomainError extends Error {
  override name = 'DomainError';
  readonly status: number = 500;
}

export interface FieldIssue {
  field: string;
  /** Machine-readable code; the web catalogue (functions/web/issue-texts.ts) words it. */
  code: string;
  /** Values the text names (a limit, a date). */
  params?: Record<string, string | number>;
}

export class ValidationError extends DomainError {
  override name = 'ValidationError';
  override readonly status = 400;
  constructor(readonly issues: FieldIssue[]) {
    super(`Validation failed: ${issues.map((i) => `${i.field}:${i.code}`).join(', ')}`);
  }
}

export class UnauthenticatedError extends DomainError {
  override name = 'UnauthenticatedError';
  override readonly status = 401;
}

export class ForbiddenError extends DomainError {
  override name = 'ForbiddenError';
  override readonly status = 403;
}

export class NotFoundError extends DomainError {
  override name = 'NotFoundError';
  override readonly status = 404;
}

export class ConflictError extends DomainError {
  override name = 'ConflictError';
  override readonly status = 409;
}

/**
 * The case is not in the state the action needs (e.g. a different outcome posted after one was
 * recorded). `code` says why, for the person: the web catalogue words it.
 */
export class StepNotWaitingError extends DomainError {
  override name = 'StepNotWaitingError';
  override readonly status = 409;
  constructor(
    message: string,
    readonly code: string = 'notNow',
    readonly params: Record<string, string | number> = {},
  ) {
    super(message);
  }
}

/** Every place of the unit is held; the referral waits in the queue. */
export class UnitFullError extends DomainError {
  override name = 'UnitFullError';
  override readonly status = 409;
}

/**
 * A workflow step registered after the record had already moved past it (a race between the
 * person acting and the state machine arriving). The ASL catches it by name and re-reads the case.
 */
export class StepAlreadyDone extends DomainError {
  override name = 'StepAlreadyDone';
  override readonly status = 409;
}

/** A retryable failure of a dependency; the ASL retries it by name. */
export class TransientError extends DomainError {
  override name = 'TransientError';
  override readonly status = 503;
}

/**
 * The same referral form is being stored by another request right now (a double submit still in
 * flight): nothing was stored by this one; sending it again shortly shows the stored case.
 */
export class SubmissionInFlightError extends DomainError {
  override name = 'SubmissionInFlightError';
  override readonly status = 409;
  /** Seconds after which a retry is worth it. */
  readonly retryAfterSeconds = 2;
}
