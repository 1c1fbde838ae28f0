import { CLOCK_SKEW_S } from './claims';

/**
 * True when a Scheduler schedule time is outside the replay window (DESIGN §4.3): older than
 * REPLAY_WINDOW_S, or further in the future than the allowed clock skew. A late retry of an old
 * trigger, or a captured request replayed with edited headers, then answers `skipped:stale`
 * instead of trading on a schedule that has passed.
 */
export function isStale(scheduleTime: Date, now: Date, replayWindowS: number): boolean {
  const ageMs = now.getTime() - scheduleTime.getTime();
  if (Number.isNaN(ageMs)) return true;
  return ageMs > replayWindowS * 1000 || -ageMs > CLOCK_SKEW_S * 1000;
}
