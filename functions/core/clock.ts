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

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * An `Intl.DateTimeFormat`, made once per locale and options: making one costs about a
 * millisecond (ICU loads its data), formatting with it a few microseconds, and a page of 1,000
 * cases formats thousands of times.
 */
export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    formats.set(key, f);
  }
  return f;
}
