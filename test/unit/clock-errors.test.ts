import { describe, expect, it } from 'vitest';
import { dateTimeFormat, realDelayMs, scaledClock, systemClock } from '#core/clock';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  StepAlreadyDone,
  StepNotWaitingError,
  TransientError,
  UnauthenticatedError,
  UnitFullError,
  ValidationError,
} from '#core/errors';

describe('clocks', () => {
  it('the system clock reads the time', () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('a scaled clock runs `scale` times faster from its anchor, in whole milliseconds', () => {
    let real = 1_000;
    const clock = scaledClock({ realAnchor: 1_000, virtualAnchor: 50_000, scale: 60 }, () => real);
    expect(clock.now()).toBe(50_000);
    real = 1_010;
    expect(clock.now()).toBe(50_600);
    const half = scaledClock({ realAnchor: 0, virtualAnchor: 0, scale: 0.5 }, () => 3);
    expect(half.now()).toBe(1);
  });

  it('tells the real milliseconds until a virtual deadline, never less than none', () => {
    const anchor = { realAnchor: 1_000, virtualAnchor: 50_000, scale: 60 };
    expect(realDelayMs(anchor, 56_000, () => 1_000)).toBe(100);
    expect(realDelayMs(anchor, 56_000, () => 1_050)).toBe(50);
    expect(realDelayMs(anchor, 56_000, () => 1_200)).toBe(0);
    expect(realDelayMs(anchor, 50_030, () => 1_000)).toBe(0.5);
  });

  it('default to the real time', () => {
    const anchor = { realAnchor: Date.now(), virtualAnchor: 0, scale: 1 };
    expect(scaledClock(anchor).now()).toBeLessThan(10_000);
    expect(realDelayMs(anchor, 3_600_000)).toBeGreaterThan(3_500_000);
  });
});

describe('domain errors', () => {
  it('carry the name the state machine matches and the HTTP status', () => {
    const cases: [DomainError, string, number][] = [
      [new DomainError('x'), 'DomainError', 500],
      [new ValidationError([]), 'ValidationError', 400],
      [new UnauthenticatedError('x'), 'UnauthenticatedError', 401],
      [new ForbiddenError('x'), 'ForbiddenError', 403],
      [new NotFoundError('x'), 'NotFoundError', 404],
      [new ConflictError('x'), 'ConflictError', 409],
      [new StepNotWaitingError('x'), 'StepNotWaitingError', 409],
      [new UnitFullError('x'), 'UnitFullError', 409],
      [new StepAlreadyDone('x'), 'StepAlreadyDone', 409],
      [new TransientError('x'), 'TransientError', 503],
    ];
    for (const [err, name, status] of cases) {
      expect(err).toBeInstanceOf(DomainError);
      expect(err).toBeInstanceOf(Error);
      expect(err.name).toBe(name);
      expect(err.status).toBe(status);
    }
  });

  it('a validation error names each field and code, and keeps the issues', () => {
    const issues = [
      { field: 'date', code: 'past' },
      { field: 'percent', code: 'aboveCap', params: { cap: 50 } },
    ];
    const err = new ValidationError(issues);
    expect(err.message).toBe('Validation failed: date:past, percent:aboveCap');
    expect(err.issues).toBe(issues);
  });

  it('a refusal says why, "not now" unless told', () => {
    expect(new StepNotWaitingError('m')).toMatchObject({ message: 'm', code: 'notNow', params: {} });
    expect(new StepNotWaitingError('m', 'closed', { phase: 'closed' })).toMatchObject({
      code: 'closed',
      params: { phase: 'closed' },
    });
  });
});

describe('dateTimeFormat', () => {
  it('makes one formatter per locale and options and formats in the asked time zone', () => {
    const o = { timeZone: 'Europe/Stockholm', dateStyle: 'medium', timeStyle: 'short' } as const;
    const a = dateTimeFormat('sv-SE', o);
    expect(dateTimeFormat('sv-SE', { ...o })).toBe(a);
    expect(dateTimeFormat('en-GB', o)).not.toBe(a);
    expect(dateTimeFormat('sv-SE', { ...o, timeStyle: 'medium' })).not.toBe(a);
    // 2027-03-28 01:30 UTC is 03:30 in Stockholm (summer time began at 01:00 UTC).
    expect(a.format(new Date('2027-03-28T01:30:00Z'))).toBe('28 mars 2027 03:30');
  });
});
