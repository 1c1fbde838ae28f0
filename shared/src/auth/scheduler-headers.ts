import * as v from 'valibot';
import { AppError } from '../errors';
import { type HeaderBag, headerValue } from './bearer-token';

/**
 * Cloud Scheduler's request headers. They are plain headers anyone can set, so the rebalance handler
 * reads them only after authenticate() accepted the caller: a stranger cannot pick an execution id
 * or dodge the replay window with them.
 */
export interface SchedulerCall {
  /** the job's last path segment as sent, unsanitised (execution-id.ts sanitises) */
  jobName: string;
  /** the schedule time, as an instant */
  scheduleTime: Date;
  /** the header as received, for the ledger */
  scheduleTimeRaw: string;
}

/** RFC 3339 with a zone: `Z` or `±hh:mm` (Scheduler sends UTC, but nothing forces it). */
const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

const headersSchema = v.object({
  'x-cloudscheduler-jobname': v.pipe(
    v.string('is required on a Cloud Scheduler call'),
    v.trim(),
    v.minLength(1, 'must not be empty'),
    v.maxLength(500, 'is longer than 500 characters'),
  ),
  'x-cloudscheduler-scheduletime': v.pipe(
    v.string('is required on a Cloud Scheduler call'),
    v.trim(),
    v.regex(rfc3339, 'must be an RFC 3339 time with a zone, e.g. 2024-05-01T10:00:00Z'),
    v.check((s) => parseRfc3339(s) !== undefined, 'is not a real date and time'),
  ),
});

/** Parsed by hand so every accepted form (any fraction length, any offset) means one exact instant. */
export function parseRfc3339(s: string): Date | undefined {
  const m = rfc3339.exec(s);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = m[7] ? Number(m[7].slice(1, 4).padEnd(3, '0')) : 0;
  const zone = m[8] ?? 'Z';
  // setUTCFullYear, not Date.UTC: the latter maps years 0-99 to 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59)
    return undefined;
  let offsetMin = 0;
  if (zone.toUpperCase() !== 'Z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offsetMin = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  date.setUTCHours(hour, minute, second, ms);
  return new Date(date.getTime() - offsetMin * 60_000);
}

/** A Scheduler header that is present but unusable: 400, naming the header. */
export class SchedulerHeaderError extends AppError {
  readonly header: string;

  constructor(header: string, problem: string) {
    super({
      code: 'request.bad_scheduler_header',
      what: `${header} ${problem}`,
      notDone: 'the request was refused before anything ran; no run was claimed and no order was sent',
      todo: 'send the headers Cloud Scheduler sends, or leave X-CloudScheduler out for a manual call',
      metadata: { header },
    });
    this.header = header;
  }
}

function single(headers: HeaderBag, name: string): string | undefined {
  const value = headerValue(headers, name);
  return typeof value === 'string' ? value : value === undefined ? undefined : value.join(',');
}

/**
 * `undefined` for a call that does not say `X-CloudScheduler: true`; the job and time for one that
 * does; SchedulerHeaderError if it says so but the job name or schedule time is missing or bad.
 */
export function parseSchedulerHeaders(headers: HeaderBag): SchedulerCall | undefined | SchedulerHeaderError {
  const flag = single(headers, 'x-cloudscheduler');
  if (flag === undefined || flag.trim().toLowerCase() !== 'true') return undefined;
  const result = v.safeParse(headersSchema, {
    'x-cloudscheduler-jobname': single(headers, 'x-cloudscheduler-jobname'),
    'x-cloudscheduler-scheduletime': single(headers, 'x-cloudscheduler-scheduletime'),
  });
  if (!result.success) {
    const issue = result.issues[0];
    const name =
      v.getDotPath(issue) === 'x-cloudscheduler-jobname' ? 'X-CloudScheduler-JobName' : 'X-CloudScheduler-ScheduleTime';
    return new SchedulerHeaderError(name, issue.message);
  }
  const jobPath = result.output['x-cloudscheduler-jobname'];
  const jobName =
    jobPath
      .split('/')
      .filter((s) => s.length > 0)
      .at(-1) ?? jobPath;
  const raw = result.output['x-cloudscheduler-scheduletime'];
  const scheduleTime = parseRfc3339(raw);
  if (!scheduleTime) return new SchedulerHeaderError('X-CloudScheduler-ScheduleTime', 'is not a real date and time');
  return { jobName, scheduleTime, scheduleTimeRaw: raw };
}
