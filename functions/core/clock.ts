/** Domain code never reads the system time directly; it is handed a Clock. */
export interface Clock {
  /** Current time in epoch milliseconds (virtual time when the local host accelerates time). */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that runs `scale` times faster than real time from an anchor. The local host uses it
 * (STEGVIS_TIME_SCALE) so that week-long reminders can be demonstrated and tested in seconds.
 * virtual = virtualAnchor + (real - realAnchor) * scale
 */
export interface ScaledClockAnchor {
  realAnchor: number;
  virtualAnchor: number;
  scale: number;
}

export function scaledClock(anchor: ScaledClockAnchor, realNow: () => number = Date.now): Clock {
  return { now: () => Math.floor(anchor.virtualAnchor + (realNow() - anchor.realAnchor) * anchor.scale) };
}

/** Real milliseconds until a virtual deadline. */
export function realDelayMs(
  anchor: ScaledClockAnchor,
  virtualDeadline: number,
  realNow: () => number = Date.now,
) {
  const virtualNow = anchor.virtualAnchor + (realNow() - anchor.realAnchor) * anchor.scale;
  return Math.max(0, (virtualDeadline - virtualNow) / anchor.scale);
}
