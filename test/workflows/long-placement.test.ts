import { afterEach, describe, expect, it } from 'vitest';
import { SEGMENT_LIMITS } from '#core/process/declaration';
import { type Engine, startEngine } from '#test/support/engine';
import { measure, SIM_UNIT, simulatePlacement } from '#test/support/simulate';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe('a 24-month placement on the local engine', () => {
  it('runs to the end in segments, none over a year or 2,500 history events', async () => {
    // About 23 workflow days per real second: 30 months in well under a minute.
    engine = await startEngine({ scale: 2_000_000, units: [SIM_UNIT] });
    const { record, talks, followUps } = await simulatePlacement(engine, 'longcase0000001', 24);
    expect(record?.status).toBe('closed');
    expect(record?.closure?.category).toBe('completed');
    expect(record?.afterClosing.sixMonths?.outcome).toBe('studiesKomvux');
    expect(record?.workingTimeHistory.map((h) => `${h.kind}:${h.percent}`)).toEqual([
      'start:25',
      'increase:40',
      'increase:50',
      'resume:40',
    ]);
    expect(talks).toBeGreaterThanOrEqual(30);
    expect(followUps).toBeGreaterThanOrEqual(8);
    const figures = await measure(engine, { months: 24, humanActions: talks + followUps * 2 + 12 });
    expect(figures.executions).toBeGreaterThan(1);
    expect(figures.maxHistoryEventsPerExecution).toBeLessThan(2500);
    expect(figures.maxExecutionDays).toBeLessThanOrEqual(SEGMENT_LIMITS.maxDays + 31);
    expect(record?.execution.name).toBe(`case-longcase0000001-${figures.executions}`);
  }, 240_000);
});
