import { LEASE_MARGIN_MS, leaseMsFor } from './run-lease';

describe('leaseMsFor', () => {
  it('outlives the function timeout by the margin, so a live attempt never outlives its lease', () => {
    expect(leaseMsFor(120)).toBe(125_000);
    expect(leaseMsFor(60)).toBe(60_000 + LEASE_MARGIN_MS);
  });
});
