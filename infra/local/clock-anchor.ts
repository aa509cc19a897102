import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ScaledClockAnchor } from '#core/clock';

/**
 * Workflow time of the local host. With STEGVIS_TIME_SCALE=N, time runs N times faster from a
 * persisted anchor, so reminders due in days arrive in seconds, and stay on time across restarts
 * (virtual time keeps counting while the host is down, as real time would).
 */
export function loadClockAnchor(file: string, scale: number, realNow = Date.now()): ScaledClockAnchor {
  let anchor: ScaledClockAnchor | undefined;
  if (existsSync(file)) {
    try {
      anchor = JSON.parse(readFileSync(file, 'utf8')) as ScaledClockAnchor;
    } catch {
      anchor = undefined;
    }
  }
  if (!anchor || anchor.scale !== scale) {
    const virtualNow = anchor ? anchor.virtualAnchor + (realNow - anchor.realAnchor) * anchor.scale : realNow;
    // Continue from where virtual time is, whatever the new scale, so stored deadlines stay
    // valid. (After an accelerated run, scale 1 keeps the lead; delete clock.json to drop it.)
    anchor = { realAnchor: realNow, virtualAnchor: virtualNow, scale };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(anchor));
  }
  return anchor;
}
