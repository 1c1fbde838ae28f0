import { accountTradingRefusal, firstNotApiTradable, notApiTradableMessage, withdrawalRisk } from './key-permissions';

describe('firstNotApiTradable (issue #15 item 5)', () => {
  const tradable = new Set(['QRLUSDT', 'MXUSDT']);
  it('null when every leg may be traded, else the first that may not, in the order given', () => {
    expect(firstNotApiTradable(['QRLUSDT'], tradable)).toBeNull();
    expect(firstNotApiTradable([], tradable)).toBeNull();
    expect(firstNotApiTradable(['QRLUSDT', 'ABCUSDT', 'XYZUSDT'], tradable)).toBe('ABCUSDT');
  });
  it('the message names the symbol, the source and what to change on the key', () => {
    const text = notApiTradableMessage('ABCUSDT', tradable);
    expect(text).toMatch(
      /^ABCUSDT is not open to API trading for this API key \(MEXC selfSymbols lists 2 symbol\(s\), not ABCUSDT\)/,
    );
    expect(text).toMatch(/allow ABCUSDT for the key in MEXC's API management/);
    expect(notApiTradableMessage('ABCUSDT', new Set())).toMatch(/selfSymbols lists no symbol/);
  });
});

describe('accountTradingRefusal and withdrawalRisk (issue #15 item 10)', () => {
  it('a key that can trade spot passes; silence (null) is not a refusal', () => {
    expect(accountTradingRefusal({ canTrade: true, permissions: ['SPOT'] })).toBeNull();
    expect(accountTradingRefusal({ canTrade: null, permissions: null })).toBeNull();
  });
  it('canTrade false: says what to enable on the key', () => {
    expect(accountTradingRefusal({ canTrade: false, permissions: ['SPOT'] })).toMatch(
      /canTrade is false in GET \/api\/v3\/account\): enable spot trading \(SPOT_DEAL_WRITE/,
    );
  });
  it('permissions without SPOT', () => {
    expect(accountTradingRefusal({ canTrade: true, permissions: ['MARGIN'] })).toMatch(/\[MARGIN\], without SPOT/);
  });
  it('withdrawals possible: flagged as a risk with what to remove', () => {
    expect(withdrawalRisk({ canWithdraw: true })).toMatch(/remove the withdrawal permission/);
    expect(withdrawalRisk({ canWithdraw: false })).toBeNull();
    expect(withdrawalRisk({ canWithdraw: null })).toBeNull();
  });
});
