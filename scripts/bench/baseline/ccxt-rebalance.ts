/**
 * The bench's baseline, never shipped: a rebalance function written the ordinary way with ccxt,
 * making the same exchange calls as ours (rules, balances, book, depth, open orders, then one IOC
 * order when a 50/50 QRL/USDT portfolio is more than 5 points off), with no ledger and no guards.
 * scripts/bench bundles it with the product's esbuild settings to compare size, cold start and
 * round trips. The named import lets esbuild drop ccxt's other exchanges (ccxt is side-effect free),
 * the smallest ordinary way to use it. Environment: MEXC_BASE_URL, MEXC_API_KEY, MEXC_API_SECRET.
 */
import * as ff from '@google-cloud/functions-framework';
import { mexc as Mexc } from 'ccxt';

let exchange: Mexc | undefined;

function client(): Mexc {
  const url = process.env.MEXC_BASE_URL ?? 'https://api.mexc.com';
  const mexc = new Mexc({
    apiKey: process.env.MEXC_API_KEY,
    secret: process.env.MEXC_API_SECRET,
    enableRateLimit: false,
  });
  const api = mexc.urls.api as Record<string, Record<string, string>>;
  api.spot = { public: url, private: url };
  api.contract = { public: `${url}/api/v1/contract`, private: `${url}/api/v1/private` };
  return mexc;
}

ff.http('rebalance', async (req, res) => {
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as {
    dryRun?: unknown;
    probe?: unknown;
  };
  // The bench's readiness probe: answers before any exchange call.
  if (body.probe === true) {
    res.status(204).end();
    return;
  }
  exchange ??= client();
  const symbol = 'QRL/USDT';
  await exchange.loadMarkets();
  const [balance, book, , open] = await Promise.all([
    exchange.fetchBalance(),
    exchange.fetchTicker(symbol),
    exchange.fetchOrderBook(symbol, 20),
    exchange.fetchOpenOrders(symbol),
  ]);
  const qrl = Number(balance.QRL?.total ?? 0);
  const usdt = Number(balance.USDT?.total ?? 0);
  const bid = book.bid ?? 0;
  const ask = book.ask ?? 0;
  const mid = (bid + ask) / 2;
  const total = qrl * mid + usdt;
  const drift = total > 0 ? (qrl * mid) / total - 0.5 : 0;
  let order: unknown = null;
  if (Math.abs(drift) > 0.05 && body.dryRun !== true) {
    const side = drift > 0 ? 'sell' : 'buy';
    const amount = Number(exchange.amountToPrecision(symbol, (Math.abs(drift) * total) / mid));
    const price = Number(exchange.priceToPrecision(symbol, side === 'buy' ? ask * 1.005 : bid * 0.995));
    order = await exchange.createOrder(symbol, 'limit', side, amount, price, { timeInForce: 'IOC' });
  }
  res.status(200).json({ status: 'completed', drift, openOrders: open.length, order });
});
