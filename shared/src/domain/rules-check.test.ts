import { checkProfileRules } from './rules-check';
import { profile, qrlRules } from './test-fixtures';

describe('checkProfileRules', () => {
  const rules = (over = {}) => new Map([['QRLUSDT', qrlRules(over)]]);

  it('a profile that fits: one ok line with the rules and the planned fee rate', () => {
    const findings = checkProfileRules(profile({ minTradeNotional: '5' }), rules());
    expect(findings).toEqual([
      {
        level: 'ok',
        symbol: 'QRLUSDT',
        text: expect.stringMatching(
          /^QRLUSDT \(profile test\): tick 0\.0001, step 0\.01, .*min notional 1 USDT, .*planned fee rate/,
        ),
      },
    ]);
  });

  it('minTradeNotional below the exchange minimum: a warning that says what to set', () => {
    const [warn] = checkProfileRules(profile({ minTradeNotional: '0.5' }), rules());
    expect(warn).toMatchObject({ level: 'warn' });
    expect(warn?.text).toMatch(
      /minTradeNotional 0\.5 USDT is below MEXC's minimum notional 1 USDT .* set minTradeNotional to at least 1/,
    );
  });

  it('failures: no rules, not tradable, order type refused, maxOrderNotional below the minimum', () => {
    expect(checkProfileRules(profile(), new Map())[0]).toMatchObject({ level: 'fail' });
    const bad = checkProfileRules(
      profile({ maxOrderNotional: '0.5', minTradeNotional: '0.5', orderType: 'market' }),
      rules({ tradable: false, orderTypes: ['LIMIT'] }),
    );
    expect(bad.filter((f) => f.level === 'fail').map((f) => f.text)).toEqual([
      expect.stringMatching(/not open to trading/),
      expect.stringMatching(/does not accept MARKET orders/),
      expect.stringMatching(
        /maxOrderNotional 0\.5 USDT, below MEXC's minimum notional 1 USDT .* no order can be placed/,
      ),
    ]);
  });
});
