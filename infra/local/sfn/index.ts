import type { AddressInfo } from 'node:net';
import { createSfnServer } from './protocol.ts';
import { loadEngineTimeoutError, Runtime } from './runtime.ts';
import { StateStore } from './store.ts';

/**
 * A local AWS Step Functions endpoint for the developer host: the real wire protocol (so the
 * unmodified @aws-sdk/client-sfn works against it), the ASL run by aws-local-stepfunctions, every
 * timer on workflow time (virtual, possibly accelerated), and executions that survive a restart.
 */

export interface LocalStepFunctionsOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = a random free port. */
  port: number;
  /** Persisted executions + schedule; created if missing. */
  stateDir: string;
  region: string;
  accountId: string;
  /** ASL already substituted. */
  stateMachines: { name: string; definition: object }[];
  /**
   * Invoke a Lambda function in-process by name (a FunctionName given as an ARN arrives as the
   * function name). Throw an Error whose `name` is the error type for a function error.
   */
  invokeFunction: (functionName: string, payload: unknown) => Promise<unknown>;
  /** Workflow time. now() is virtual epoch ms; scale = virtual ms per real ms (1 = real time). */
  clock: { now(): number; scale: number };
  log?: (msg: string, data?: Record<string, unknown>) => void;
  /**
   * Look at clock.now() again at least this often (real ms) while a timer is pending. Needed only
   * for a clock that jumps (a test's fake clock); by default a timer sleeps its computed real delay
   * (in chunks of at most 2^31-1 ms).
   */
  timerRecheckMs?: number;
  /** How many task invocations run at once (default 8); the others wait their turn. */
  maxConcurrentInvocations?: number;
}

export interface LocalStepFunctions {
  url: string;
  port: number;
  close(): Promise<void>;
  /** Resolves when persisted RUNNING executions have been resumed. */
  ready: Promise<void>;
}

export async function startLocalStepFunctions(o: LocalStepFunctionsOptions): Promise<LocalStepFunctions> {
  const log = o.log ?? (() => {});
  if (!(Number.isFinite(o.clock.scale) && o.clock.scale > 0)) {
    throw new Error(`local-sfn: clock.scale must be a positive number, got ${o.clock.scale}`);
  }
  await loadEngineTimeoutError();
  const store = new StateStore(o.stateDir, log);
  const loaded = await store.open();
  const runtime = new Runtime(
    {
      region: o.region,
      accountId: o.accountId,
      stateMachines: o.stateMachines,
      invokeFunction: o.invokeFunction,
      clock: o.clock,
      log,
      timerRecheckMs: o.timerRecheckMs,
      maxConcurrentInvocations: o.maxConcurrentInvocations,
    },
    store,
    loaded,
  );
  const server = createSfnServer(runtime, log);
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log('local-sfn: listening', { url, stateMachines: o.stateMachines.map((m) => m.name) });

  const ready = runtime.resumeAll().catch((error: unknown) => {
    log('local-sfn: resuming executions failed', { error: String(error) });
  });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await runtime.close();
      await stopped;
    })();
    return closing;
  };

  return { url, port, close, ready };
}
