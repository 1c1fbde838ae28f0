import { compactUtc, utcDay, utcText } from './time';

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
