import type { SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { SfnWorkflow } from '#adapters/sfn-workflow';
import { ValidationError } from '#core/errors';

const ARN = 'arn:aws:states:eu-north-1:000000000000:stateMachine:stegvis-placement';
const failingWith = (name: string) =>
  ({
    send: async () => {
      throw Object.assign(new Error(`${name} from Step Functions`), { name });
    },
  }) as unknown as SFNClient;

describe('SfnWorkflow.listExecutions', () => {
  it('answers a page token Step Functions did not give (edited, stale, hostile) as the caller’s bad input', async () => {
    const err = await new SfnWorkflow(failingWith('InvalidToken'), ARN)
      .listExecutions({ nextToken: "' OR 1=1 --", limit: 25 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues).toEqual([{ field: 'next', code: 'format' }]);
  });

  it('lets other failures through unchanged', async () => {
    const err = await new SfnWorkflow(failingWith('ThrottlingException'), ARN)
      .listExecutions({ limit: 25 })
      .catch((e: unknown) => e);
    expect((err as Error).name).toBe('ThrottlingException');
  });
});
