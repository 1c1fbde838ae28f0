import { httpStatus } from '../http/status';
import { parseRfc3339, parseSchedulerHeaders, SchedulerHeaderError } from './scheduler-headers';

describe('parseSchedulerHeaders', () => {
  it('ignores scheduler headers unless X-CloudScheduler is true', () => {
    const headers = {
      'x-cloudscheduler-jobname': 'rebalance-every-15m',
      'x-cloudscheduler-scheduletime': '2024-05-01T10:00:00Z',
    };
    expect(parseSchedulerHeaders(headers)).toBeUndefined();
    expect(parseSchedulerHeaders({ ...headers, 'x-cloudscheduler': 'false' })).toBeUndefined();
  });

  it('reads the job (last path segment) and the schedule time, whatever the header case', () => {
    const result = parseSchedulerHeaders({
      'X-CloudScheduler': 'true',
      'X-CloudScheduler-JobName': 'projects/demo/locations/europe-west1/jobs/rebalance-every-15m',
      'X-CloudScheduler-ScheduleTime': '2024-05-01T12:15:00+02:00',
    });
    expect(result).toEqual({
      jobName: 'rebalance-every-15m',
      scheduleTime: new Date('2024-05-01T10:15:00Z'),
      scheduleTimeRaw: '2024-05-01T12:15:00+02:00',
    });
  });

  it.each([
    [{}, 'X-CloudScheduler-JobName', /is required/],
    [{ 'x-cloudscheduler-jobname': '  ' }, 'X-CloudScheduler-JobName', /must not be empty/],
    [{ 'x-cloudscheduler-jobname': 'job' }, 'X-CloudScheduler-ScheduleTime', /is required/],
    [
      { 'x-cloudscheduler-jobname': 'job', 'x-cloudscheduler-scheduletime': 'yesterday' },
      'X-CloudScheduler-ScheduleTime',
      /RFC 3339/,
    ],
    [
      { 'x-cloudscheduler-jobname': 'job', 'x-cloudscheduler-scheduletime': '2024-05-01T10:00:00' },
      'X-CloudScheduler-ScheduleTime',
      /RFC 3339/,
    ],
    [
      { 'x-cloudscheduler-jobname': 'job', 'x-cloudscheduler-scheduletime': '2024-02-30T10:00:00Z' },
      'X-CloudScheduler-ScheduleTime',
      /not a real date/,
    ],
  ])('a scheduled call with %j → 400 naming %s', (extra, header, message) => {
    const result = parseSchedulerHeaders({ 'x-cloudscheduler': 'true', ...extra });
    expect(result).toBeInstanceOf(SchedulerHeaderError);
    const error = result as SchedulerHeaderError;
    expect(httpStatus({ error })).toBe(400);
    expect(error.header).toBe(header);
    expect(error.what).toMatch(header);
    expect(error.what).toMatch(message);
  });
});

describe('parseRfc3339', () => {
  it.each([
    ['2024-05-01T10:00:00Z', '2024-05-01T10:00:00.000Z'],
    ['2024-05-01T10:00:00.5Z', '2024-05-01T10:00:00.500Z'],
    ['2024-05-01T10:00:00.123456789Z', '2024-05-01T10:00:00.123Z'],
    ['2024-05-01T10:00:00-07:30', '2024-05-01T17:30:00.000Z'],
    ['2024-05-01T00:30:00+01:00', '2024-04-30T23:30:00.000Z'],
    ['2024-12-31T23:59:59-01:00', '2025-01-01T00:59:59.000Z'],
    ['2024-02-29T00:00:00z', '2024-02-29T00:00:00.000Z'],
  ])('%s → %s', (input, iso) => {
    expect(parseRfc3339(input)?.toISOString()).toBe(iso);
  });

  it.each(['2023-02-29T00:00:00Z', '2024-05-01T24:00:00Z', '2024-05-01T10:00:00+25:00', '2024-5-1T10:00:00Z'])(
    'rejects %s',
    (input) => {
      expect(parseRfc3339(input)).toBeUndefined();
    },
  );
});
