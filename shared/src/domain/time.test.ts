import { compactUtc, dayBefore, isoSeconds, utcDay, utcText } from './time';

describe('time as text, in UTC', () => {
  // +02:00 shifts the day: a local-time formatter would print 2024-03-01
  const instant = new Date('2024-03-01T01:02:03.999+02:00');

  it('utcDay is the UTC calendar day', () => {
    expect(utcDay(instant)).toBe('2024-02-29');
  });

  it('compactUtc is yyyymmddThhmmssZ in whole seconds', () => {
    expect(compactUtc(instant)).toBe('20240229T230203Z');
  });

  it('utcText is the minute, or the second, a person reads', () => {
    expect(utcText(instant)).toBe('2024-02-29 23:02');
    expect(utcText(instant, true)).toBe('2024-02-29 23:02:03');
  });
});

describe('dayBefore and isoSeconds', () => {
  it('steps back over a month and a year end', () => {
    expect(dayBefore('2026-03-01')).toBe('2026-02-28');
    expect(dayBefore('2027-01-01')).toBe('2026-12-31');
  });

  it('writes whole seconds as Cloud Scheduler does', () => {
    expect(isoSeconds(new Date('2026-03-10T12:00:05.250Z'))).toBe('2026-03-10T12:00:05Z');
  });
});
