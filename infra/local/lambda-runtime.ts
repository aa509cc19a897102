import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Context } from 'aws-lambda';

/**
 * Runs Lambda handler modules in-process, the way the Lambda runtime would: one module load per
 * function (a "cold start"), an event, and a context object.
 */
type Handler = (event: unknown, context: Context) => Promise<unknown>;

const loaded = new Map<string, Promise<Handler>>();

function contextFor(functionName: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-north-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export function loadHandler(root: string, modulePath: string): Promise<Handler> {
  let h = loaded.get(modulePath);
  if (!h) {
    h = import(resolve(root, modulePath)).then((m: { handler?: Handler }) => {
      if (typeof m.handler !== 'function') throw new Error(`${modulePath} does not export a handler`);
      return m.handler;
    });
    loaded.set(modulePath, h);
  }
  return h;
}

export async function invoke(root: string, modulePath: string, functionName: string, event: unknown) {
  const handler = await loadHandler(root, modulePath);
  return handler(event, contextFor(functionName, 30_000));
}
