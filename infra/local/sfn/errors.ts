/** Error codes of the Step Functions API that the local endpoint answers with (HTTP 400). */
export type SfnErrorCode =
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'InvalidArn'
  | 'InvalidExecutionInput'
  | 'InvalidName'
  | 'InvalidOutput'
  | 'InvalidToken'
  | 'StateMachineDoesNotExist'
  | 'TaskDoesNotExist'
  | 'TaskTimedOut'
  | 'UnknownOperationException'
  | 'SerializationException'
  | 'ValidationException';

/** A modelled Step Functions API error; the HTTP layer renders it as `{"__type":"com.amazonaws.sfn#<code>"}`. */
export class SfnApiError extends Error {
  constructor(
    readonly code: SfnErrorCode,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

/**
 * An error thrown into the engine from a local task handler. The engine matches Retry/Catch on
 * `name`, uses `message` as the Cause, and reads the optional `isRetryable` / `isCatchable` flags.
 */
export function stateError(name: string, cause: string, flags?: { retryable: boolean; catchable: boolean }) {
  const error = new Error(cause);
  error.name = name;
  if (flags) Object.assign(error, { isRetryable: flags.retryable, isCatchable: flags.catchable });
  return error;
}

/** `States.Runtime`: neither retryable nor catchable, fails the execution (as on AWS). */
export function runtimeError(cause: string) {
  return stateError('States.Runtime', cause, { retryable: false, catchable: false });
}

/** Settles a task handler whose execution was stopped (close() or StopExecution); never caught or retried. */
export function stoppedError() {
  return stateError('Stegvis.ExecutionStopped', 'the local Step Functions host stopped this execution', {
    retryable: false,
    catchable: false,
  });
}
