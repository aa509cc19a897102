import { describe, expect, it } from 'vitest';
import { upkeep } from '#local/upkeep';

const timeout = () => Object.assign(new Error('no connection within 2000 ms'), { name: 'TimeoutError' });

describe('start-up upkeep', () => {
  it('tries a transient failure again, and gives the result once it succeeds', async () => {
    const logged: unknown[] = [];
    let calls = 0;
    const out = await upkeep(
      'reconcile',
      async () => {
        calls++;
        if (calls < 3) throw timeout();
        return { continued: 2 };
      },
      (msg, data) => logged.push({ msg, ...data }),
      1,
    );
    expect(out).toEqual({ continued: 2 });
    expect(calls).toBe(3);
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatchObject({ what: 'reconcile', error: 'TimeoutError', attempt: 1 });
  });

  it('gives up after five attempts with the last error', async () => {
    let calls = 0;
    const err = await upkeep(
      'retention',
      async () => {
        calls++;
        throw timeout();
      },
      () => undefined,
      1,
    ).catch((e: unknown) => e);
    expect((err as Error).name).toBe('TimeoutError');
    expect(calls).toBe(5);
  });

  it('does not try again what a retry cannot help', async () => {
    let calls = 0;
    const err = await upkeep(
      'reindex',
      async () => {
        calls++;
        throw Object.assign(new Error('bad key'), { name: 'ValidationException' });
      },
      () => undefined,
      1,
    ).catch((e: unknown) => e);
    expect((err as Error).name).toBe('ValidationException');
    expect(calls).toBe(1);
  });
});
