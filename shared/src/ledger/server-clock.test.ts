import { ServerClock } from './server-clock';

describe('ServerClock: the database time its answers carry, carried forward by a monotonic clock', () => {
  const SERVER = Date.parse('2031-05-01T10:00:00.000Z');

  it('answers the observed server time plus the monotonic time elapsed since, whatever the wall clock says', () => {
    let mono = 1_000;
    const wall = { now: () => new Date(SERVER + 6 * 60_000) };
    const clock = new ServerClock(() => mono, wall);
    clock.observe(new Date(SERVER));
    expect(clock.now().toISOString()).toBe('2031-05-01T10:00:00.000Z');
    mono += 2_500;
    expect(clock.now().toISOString()).toBe('2031-05-01T10:00:02.500Z');
  });

  it('keeps the latest-reaching estimate: an answer that travelled long (an older stamp) does not move it back', () => {
    let mono = 0;
    const clock = new ServerClock(() => mono);
    clock.observe(new Date(SERVER));
    mono = 10_000;
    // stamped 7 s after the first, but it arrived 10 s after it: 3 s in transit
    clock.observe(new Date(SERVER + 7_000));
    expect(clock.now().getTime()).toBe(SERVER + 10_000);
    // a fresher answer moves it forward
    clock.observe(new Date(SERVER + 10_400));
    expect(clock.now().getTime()).toBe(SERVER + 10_400);
  });

  it('uses the fallback only before the database has answered once', () => {
    const clock = new ServerClock(() => 0, { now: () => new Date(SERVER - 60_000) });
    expect(clock.now().getTime()).toBe(SERVER - 60_000);
    clock.observe(new Date(SERVER));
    expect(clock.now().getTime()).toBe(SERVER);
  });
});
