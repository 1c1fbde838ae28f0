/**
 * Every way an instant is written as text, in UTC: the turnover day, the compact stamp ids are made
 * of, and the minute or second a person reads. One place, so a run id, a snapshot id and a report
 * never disagree on how a time looks.
 */

/** `2026-03-10T23:59:59.999Z` → `2026-03-10`: the day a daily turnover belongs to. */
export function utcDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** `2024-05-01T12:00:00.250+02:00` → `20240501T100000Z` (whole seconds; Scheduler fires on the minute). */
export function compactUtc(instant: Date): string {
  return `${instant.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}

/** `2026-03-10 12:00`, or with `seconds` `2026-03-10 12:00:05`: a time a person reads, zone UTC. */
export function utcText(instant: Date, seconds = false): string {
  return instant
    .toISOString()
    .slice(0, seconds ? 19 : 16)
    .replace('T', ' ');
}

/** `2026-03-10` → `2026-03-09`: the turnover day before a day. */
export function dayBefore(day: string): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000));
}

/** `2026-03-10T12:00:05.250Z` → `2026-03-10T12:00:05Z`: RFC 3339 in whole seconds, as Cloud Scheduler writes its schedule time. */
export function isoSeconds(instant: Date): string {
  return instant.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
