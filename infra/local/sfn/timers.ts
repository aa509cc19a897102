/** Workflow time: `now()` is virtual epoch ms; `scale` virtual ms pass per real ms (1 = real time). */
export interface WorkflowClock {
  now(): number;
  scale: number;
}

/** Node's setTimeout fires at once for delays above this (it is a signed 32-bit millisecond count). */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Real milliseconds to sleep before looking at the virtual clock again for `deadline`: the remaining
 * virtual time divided by the scale, but never more than `maxChunkMs` (and never more than
 * MAX_TIMEOUT_MS), so a long wait is a chain of safe setTimeouts that re-check the clock. 0 = due.
 */
export function nextTimerDelayMs(deadline: number, now: number, scale: number, maxChunkMs = MAX_TIMEOUT_MS) {
  const remaining = deadline - now;
  if (!(remaining > 0)) return 0;
  const safeScale = Number.isFinite(scale) && scale > 0 ? scale : 1;
  return Math.min(MAX_TIMEOUT_MS, Math.max(1, maxChunkMs), Math.max(1, Math.ceil(remaining / safeScale)));
}

interface TimerEntry {
  handle: ReturnType<typeof setTimeout> | undefined;
  cancelled: boolean;
}

/** Timers on workflow time. A timer never fires synchronously from `at()`. */
export class VirtualTimers {
  private readonly active = new Set<TimerEntry>();

  constructor(
    private readonly clock: WorkflowClock,
    /** Re-read the clock at least this often (for clocks that jump, such as a test's fake clock). */
    private readonly recheckMs = MAX_TIMEOUT_MS,
  ) {}

  /** Calls `fire` once the virtual clock reaches `deadline` (virtual epoch ms). Returns a cancel function. */
  at(deadline: number, fire: () => void): () => void {
    const entry: TimerEntry = { handle: undefined, cancelled: false };
    const delay = () => nextTimerDelayMs(deadline, this.clock.now(), this.clock.scale, this.recheckMs);
    const step = () => {
      if (entry.cancelled) return;
      const wait = delay();
      if (wait > 0) {
        entry.handle = setTimeout(step, wait);
        return;
      }
      entry.cancelled = true;
      this.active.delete(entry);
      fire();
    };
    this.active.add(entry);
    entry.handle = setTimeout(step, delay());
    return () => {
      entry.cancelled = true;
      clearTimeout(entry.handle);
      this.active.delete(entry);
    };
  }

  cancelAll() {
    for (const entry of this.active) {
      entry.cancelled = true;
      clearTimeout(entry.handle);
    }
    this.active.clear();
  }
}
