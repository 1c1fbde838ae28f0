import * as v from 'valibot';
import { keySchema } from './config';
import { Big } from './decimal';
import type { SimExchange } from './exchange';
import { type FaultQueue, faultSchema } from './faults';
import type { RateLimiter } from './rate-limits';
import { adminTradeView, orderView } from './views';

export class AdminInputError extends Error {
  override name = 'AdminInputError';
}

export interface AdminState {
  exchange: SimExchange;
  faults: FaultQueue;
  requestCounts: Map<string, number>;
  /** every POST /api/v3/order as it arrived, before any fault or check: when the client sent it */
  orderArrivals: OrderArrival[];
  rateLimiter: RateLimiter;
}

export interface OrderArrival {
  clientOrderId: string | null;
  symbol: string | null;
  /** the exchange clock (with /__sim/clock's offset) when the request's body had arrived */
  at: number;
  /** the /__sim/clock offset then, so at − offsetMs is the machine's clock */
  offsetMs: number;
}

type AdminHandler = (body: unknown, query: URLSearchParams, state: AdminState) => unknown;

const decimal = (name: string) =>
  v.pipe(v.string(`${name} must be a decimal string`), v.regex(/^\d+(?:\.\d+)?$/, `${name} must be a decimal string`));

const balancesBody = v.strictObject({
  balances: v.record(
    v.pipe(v.string(), v.regex(/^[A-Z0-9]{1,12}$/, 'asset must be upper case')),
    decimal('balances.<asset>'),
  ),
});
const priceBody = v.strictObject({
  symbol: v.string('symbol must be a string'),
  price: v.pipe(
    decimal('price'),
    v.check((p) => Number(p) > 0, 'price must be above 0'),
  ),
  spreadBps: v.optional(v.pipe(v.number('spreadBps must be a number'), v.minValue(0), v.maxValue(5000))),
  /** book sides left without synthetic orders until the next price call, e.g. ["ask"] */
  emptySides: v.optional(v.array(v.picklist(['bid', 'ask'], 'emptySides entries must be "bid" or "ask"'))),
});
const stepBody = v.strictObject({
  steps: v.optional(
    v.pipe(
      v.number('steps must be a number'),
      v.integer('steps must be an integer'),
      v.minValue(1),
      v.maxValue(100_000),
    ),
    1,
  ),
});
const keyBody = v.strictObject({
  ...keySchema.entries,
  /** replaces this key's selfSymbols (symbols must be configured) */
  selfSymbols: v.optional(v.array(v.string('selfSymbols entries must be symbols'))),
});
const clockBody = v.strictObject({
  offsetMs: v.pipe(v.number('offsetMs must be a number'), v.integer('offsetMs must be an integer')),
});

/** What the admin API takes, as its one typed client (testing/admin-client.ts) sends it. */
export type PriceInput = v.InferInput<typeof priceBody>;
export type KeyInput = v.InferInput<typeof keyBody>;

function parse<const S extends v.GenericSchema>(schema: S, body: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, body ?? {});
  if (!result.success) {
    throw new AdminInputError(
      result.issues.map((issue) => `${v.getDotPath(issue) ?? 'body'}: ${issue.message}`).join('; '),
    );
  }
  return result.output;
}

function knownSymbol(state: AdminState, symbol: string): void {
  if (!state.exchange.symbols().some((spec) => spec.symbol === symbol)) {
    throw new AdminInputError(`symbol: ${symbol} is not configured in the simulator`);
  }
}

/** Admin API (contract: ../brief/SIMULATOR-CONTRACT.md); unsigned, loopback only, decimals as strings. */
export const adminRoutes: Record<string, AdminHandler> = {
  'POST /__sim/reset': (_b, _q, state) => {
    state.exchange.reset();
    state.faults.clear();
    state.requestCounts.clear();
    state.orderArrivals.length = 0;
    state.rateLimiter.reset();
    return { ok: true };
  },
  'GET /__sim/balances': (_b, _q, state) => ({
    balances: Object.fromEntries(
      state.exchange.balanceList().map(([asset, b]) => [asset, { free: b.free.toFixed(), locked: b.locked.toFixed() }]),
    ),
  }),
  'POST /__sim/balances': (body, query, state) => {
    const { balances } = parse(balancesBody, body);
    for (const [asset, free] of Object.entries(balances)) state.exchange.setFreeBalance(asset, new Big(free));
    return adminRoutes['GET /__sim/balances']?.(body, query, state);
  },
  'POST /__sim/price': (body, _q, state) => {
    const input = parse(priceBody, body);
    knownSymbol(state, input.symbol);
    state.exchange.setPrice(input.symbol, new Big(input.price), input.spreadBps, input.emptySides ?? []);
    return { symbol: input.symbol, price: state.exchange.depthCentre(input.symbol).toFixed() };
  },
  'POST /__sim/step': (body, _q, state) => {
    const { steps } = parse(stepBody, body);
    state.exchange.step(steps);
    return {
      prices: Object.fromEntries(
        state.exchange.symbols().map((spec) => [spec.symbol, state.exchange.depthCentre(spec.symbol).toFixed()]),
      ),
    };
  },
  'GET /__sim/orders': (_b, query, state) => ({
    orders: state.exchange.allOrders(query.get('symbol') ?? undefined).map(orderView),
  }),
  'GET /__sim/trades': (_b, query, state) => ({
    trades: state.exchange.allTrades(query.get('symbol') ?? undefined).map(adminTradeView),
  }),
  'POST /__sim/clock': (body, _q, state) => {
    const { offsetMs } = parse(clockBody, body);
    state.exchange.clockOffsetMs = offsetMs;
    return { offsetMs, serverTime: state.exchange.now() };
  },
  /** What the key may do: account flags and this key's selfSymbols (issue #15 items 5, 10). */
  'POST /__sim/key': (body, _q, state) => {
    const { selfSymbols, ...rights } = parse(keyBody, body);
    for (const symbol of selfSymbols ?? []) knownSymbol(state, symbol);
    const ex = state.exchange;
    ex.key = { ...ex.key, ...rights };
    if (selfSymbols) ex.selfSymbols = new Set(selfSymbols);
    return { ...ex.key, selfSymbols: [...ex.selfSymbols] };
  },
  'POST /__sim/faults': (body, _q, state) => {
    state.faults.add(parse(faultSchema, body));
    return { faults: state.faults.pending() };
  },
  'GET /__sim/faults': (_b, _q, state) => ({ faults: state.faults.pending() }),
  'DELETE /__sim/faults': (_b, _q, state) => {
    state.faults.clear();
    return { faults: [] };
  },
  'GET /__sim/requests': (_b, _q, state) => ({ requests: Object.fromEntries(state.requestCounts) }),
  'GET /__sim/order-arrivals': (_b, _q, state) => ({ arrivals: state.orderArrivals.map((a) => ({ ...a })) }),
};
