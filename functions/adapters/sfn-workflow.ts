import type { HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { ValidationError } from '#core/errors';
import type { RunEvent, RunStatus, WorkflowPort } from '#core/ports';

// A dynamic import, not a static one: deps.ts loads this module with `import()` on the first
// workflow call, and esbuild would hoist a static import of an external package (the Lambda
// runtime's @aws-sdk/*) to the top of the single-file bundle, loading Step Functions at every
// cold start.
const {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} = await import('@aws-sdk/client-sfn');

const STALE_TOKEN_ERRORS = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

/** The execution ARN of `name` on the state machine `stateMachineArn`. */
export function executionArn(stateMachineArn: string, name: string) {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

function detailsOf(e: HistoryEvent): Partial<RunEvent> {
  const entered = e.stateEnteredEventDetails ?? e.stateExitedEventDetails;
  const failed =
    e.executionFailedEventDetails ??
    e.taskFailedEventDetails ??
    e.lambdaFunctionFailedEventDetails ??
    e.executionAbortedEventDetails ??
    e.executionTimedOutEventDetails ??
    e.taskTimedOutEventDetails;
  return {
    name: entered?.name,
    error: failed?.error,
    cause: failed?.cause,
  };
}

/** The WorkflowPort on the Step Functions API (AWS, or the local endpoint via AWS_ENDPOINT_URL_SFN). */
export class SfnWorkflow implements WorkflowPort {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async startExecution(name: string, input: { caseId: string }) {
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name,
          input: JSON.stringify(input),
        }),
      );
    } catch (err) {
      // Same name with the same input is idempotent on AWS; a finished execution of the same
      // name answers ExecutionAlreadyExists, which for us also means "already started".
      if ((err as Error).name !== 'ExecutionAlreadyExists') throw err;
    }
  }

  async sendTaskSuccess(token: string, output: Record<string, string>) {
    try {
      await this.client.send(
        new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }),
      );
      return 'ok' as const;
    } catch (err) {
      if (STALE_TOKEN_ERRORS.has((err as Error).name)) return 'stale' as const;
      throw err;
    }
  }

  async listExecutions(opts: { status?: RunStatus; nextToken?: string; limit: number }) {
    const out = await this.client
      .send(
        new ListExecutionsCommand({
          stateMachineArn: this.stateMachineArn,
          statusFilter: opts.status,
          maxResults: opts.limit,
          nextToken: opts.nextToken,
        }),
      )
      .catch((err: Error) => {
        // A page token that is not one Step Functions gave (edited, stale, hostile): the caller's input.
        if (err.name === 'InvalidToken') throw new ValidationError([{ field: 'next', code: 'format' }]);
        throw err;
      });
    return {
      runs: (out.executions ?? []).map((e) => ({
        name: e.name ?? '',
        status: (e.status ?? 'RUNNING') as RunStatus,
        startDate: e.startDate ?? new Date(0),
        stopDate: e.stopDate,
      })),
      nextToken: out.nextToken,
    };
  }

  async stopExecution(name: string, error: string, cause: string) {
    try {
      await this.client.send(
        new StopExecutionCommand({ executionArn: executionArn(this.stateMachineArn, name), error, cause }),
      );
    } catch (err) {
      // Already ended or never started: nothing to stop.
      if ((err as Error).name !== 'ExecutionDoesNotExist') throw err;
    }
  }

  async describeExecution(name: string) {
    try {
      const e = await this.client.send(
        new DescribeExecutionCommand({ executionArn: executionArn(this.stateMachineArn, name) }),
      );
      return {
        name: e.name ?? name,
        status: (e.status ?? 'RUNNING') as RunStatus,
        startDate: e.startDate ?? new Date(0),
        stopDate: e.stopDate,
        error: e.error,
        cause: e.cause,
      };
    } catch (err) {
      if ((err as Error).name === 'ExecutionDoesNotExist') return undefined;
      throw err;
    }
  }

  async history(name: string, opts: { newestFirst: boolean; limit: number }) {
    const events: RunEvent[] = [];
    let nextToken: string | undefined;
    do {
      const out = await this.client.send(
        new GetExecutionHistoryCommand({
          executionArn: executionArn(this.stateMachineArn, name),
          reverseOrder: opts.newestFirst,
          maxResults: Math.min(1000, opts.limit - events.length),
          includeExecutionData: false,
          nextToken,
        }),
      );
      for (const e of out.events ?? [])
        events.push({
          id: e.id ?? 0,
          timestamp: e.timestamp ?? new Date(0),
          type: e.type ?? 'Unknown',
          ...detailsOf(e),
        });
      nextToken = out.nextToken;
    } while (nextToken && events.length < opts.limit);
    return events;
  }
}
