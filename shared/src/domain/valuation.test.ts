import Big from 'big.js';
import { balances, profile } from './test-fixtures';
import { bandFor, midPrice, valuePortfolio } from './valuation';

const prices = (p: Record<string, string>) => new Map(Object.entries(p).map(([a, x]) => [a, new Big(x)]));

describe('valuePortfolio', () => {
  it('values two assets in the quote and reports weights and drift', () => {
    const v = valuePortfolio(balances({ QRL: '1000', USDT: '300' }), prices({ QRL: '0.5' }), profile());
    expect(v.total.toFixed()).toBe('800');
    const [qrl, usdt] = v.holdings;
    expect(qrl?.value.toFixed()).toBe('500');
    expect(qrl?.weight.toFixed()).toBe('0.625');
    expect(qrl?.drift.toFixed()).toBe('0.125');
    expect(usdt?.drift.toFixed()).toBe('-0.125');
    expect(v.totalDrift.toFixed()).toBe('0.25');
  });

  it('values three assets, counts locked funds and leaves reserves out', () => {
    const p = profile({
      targets: { QRL: '0.4', BTC: '0.3', USDT: '0.3' },
      reserves: { USDT: '100', QRL: '2000' },
    });
    const v = valuePortfolio(
      balances({ QRL: '1000', BTC: '0.01', USDT: '350' }, { QRL: '1000' }),
      prices({ QRL: '0.5', BTC: '30000' }),
      p,
    );
    const byAsset = Object.fromEntries(v.holdings.map((h) => [h.asset, h]));
    expect(byAsset.QRL?.amount.toFixed()).toBe('0');
    expect(byAsset.QRL?.available.toFixed()).toBe('0');
    expect(byAsset.BTC?.value.toFixed()).toBe('300');
    expect(byAsset.USDT?.amount.toFixed()).toBe('250');
    expect(v.total.toFixed()).toBe('550');
    expect(
      v.holdings
        .reduce((s, h) => s.plus(h.weight), new Big(0))
        .round(15)
        .toFixed(),
    ).toBe('1');
  });

  it('counts a missing balance as zero', () => {
    const v = valuePortfolio(balances({ USDT: '100' }), prices({ QRL: '0.5' }), profile());
    expect(v.holdings[0]?.weight.toFixed()).toBe('0');
    expect(v.holdings[1]?.weight.toFixed()).toBe('1');
  });

  it('takes the smaller of the absolute and relative band (5/25 rule)', () => {
    const both = profile({ bandAbs: '0.05', bandRel: '0.25' });
    expect(bandFor(both, new Big('0.5'))?.toFixed()).toBe('0.05');
    expect(bandFor(both, new Big('0.1'))?.toFixed()).toBe('0.025');
    expect(bandFor(profile({ mode: 'periodic', bandAbs: null }), new Big('0.5'))).toBeNull();
  });

  it('prices at the mid, or the one side left of an empty book', () => {
    const book = (bid: string, ask: string) => ({
      symbol: 'QRLUSDT',
      bidPrice: new Big(bid),
      askPrice: new Big(ask),
      bidQuantity: new Big(1),
      askQuantity: new Big(1),
    });
    expect(midPrice(book('0.5', '0.6')).toFixed()).toBe('0.55');
    expect(midPrice(book('0', '0.6')).toFixed()).toBe('0.6');
    expect(midPrice(book('0', '0')).toFixed()).toBe('0');
  });
});
