import type { KeyInput, PriceInput } from '../admin-routes';
import type { FaultInput } from '../faults';
import type { adminTradeView, orderView } from '../views';

/**
 * The one client of the simulator's admin API (routes in ../admin-routes.ts, unsigned, loopback
 * only). Tests, the bench, the chaos campaign and the local stack all steer the simulator through
 * it, so a change to a route is made in one place and its types follow the server's.
 */
export type AdminMethod = 'GET' | 'POST' | 'DELETE';
export type AdminOrder = ReturnType<typeof orderView>;
export type AdminTrade = ReturnType<typeof adminTradeView>;
export type AdminBalances = Record<string, { free: string; locked: string }>;
export type { FaultInput, KeyInput, PriceInput };

/** One POST /api/v3/order as it reached the simulator, before any delay fault held it. */
export interface OrderArrival {
  clientOrderId: string | null;
  symbol: string | null;
  /** the simulator's clock at arrival, its /__sim/clock offset included */
  at: number;
  offsetMs: number;
}

const DEFAULT_ADMIN_TIMEOUT_MS = 10_000;

export interface AdminAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** One admin request, whatever the answer: for tests of the admin API's own refusals. */
export async function adminRequest(
  baseUrl: string,
  method: AdminMethod,
  path: string,
  body?: unknown,
  timeoutMs = DEFAULT_ADMIN_TIMEOUT_MS,
): Promise<AdminAnswer> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    // a driver (the fault campaign) must never wait forever on a simulator that stopped answering
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** Steers one simulator. Any answer but 2xx throws: a setup step that did not happen must stop the caller. */
export class SimulatorAdmin {
  constructor(
    readonly baseUrl: string,
    private readonly options: { timeoutMs?: number } = {},
  ) {}

  async call<T = Record<string, unknown>>(method: AdminMethod, path: string, body?: unknown): Promise<T> {
    const answer = await adminRequest(this.baseUrl, method, path, body, this.options.timeoutMs);
    if (answer.status < 200 || answer.status > 299) {
      throw new Error(`simulator ${method} ${path} answered HTTP ${answer.status}: ${JSON.stringify(answer.body)}`);
    }
    return answer.body as T;
  }

  /** Back to the configured balances, prices, key and clock; clears orders, trades, faults and counts. */
  async reset(): Promise<void> {
    await this.call('POST', '/__sim/reset');
  }

  async balances(): Promise<AdminBalances> {
    return (await this.call<{ balances: AdminBalances }>('GET', '/__sim/balances')).balances;
  }

  /** Sets the free balance of each named asset (decimal strings); the others stay. */
  async setBalances(balances: Record<string, string>): Promise<AdminBalances> {
    return (await this.call<{ balances: AdminBalances }>('POST', '/__sim/balances', { balances })).balances;
  }

  async setPrice(input: PriceInput): Promise<{ symbol: string; price: string }> {
    return this.call('POST', '/__sim/price', input);
  }

  /** Moves every symbol along its price path; answers the new mid prices. */
  async step(steps = 1): Promise<Record<string, string>> {
    return (await this.call<{ prices: Record<string, string> }>('POST', '/__sim/step', { steps })).prices;
  }

  async orders(symbol?: string): Promise<AdminOrder[]> {
    return (await this.call<{ orders: AdminOrder[] }>('GET', withSymbol('/__sim/orders', symbol))).orders;
  }

  async trades(symbol?: string): Promise<AdminTrade[]> {
    return (await this.call<{ trades: AdminTrade[] }>('GET', withSymbol('/__sim/trades', symbol))).trades;
  }

  /** The simulator's clock runs `offsetMs` ahead of (or behind) this machine's. */
  async setClock(offsetMs: number): Promise<{ offsetMs: number; serverTime: number }> {
    return this.call('POST', '/__sim/clock', { offsetMs });
  }

  async setKey(key: KeyInput): Promise<Record<string, unknown>> {
    return this.call('POST', '/__sim/key', key);
  }

  async addFault(fault: FaultInput): Promise<void> {
    await this.call('POST', '/__sim/faults', fault);
  }

  async faults(): Promise<unknown[]> {
    return (await this.call<{ faults: unknown[] }>('GET', '/__sim/faults')).faults;
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/__sim/faults');
  }

  /** Every order request since the last reset, stamped when it arrived. */
  async orderArrivals(): Promise<OrderArrival[]> {
    return (await this.call<{ arrivals: OrderArrival[] }>('GET', '/__sim/order-arrivals')).arrivals;
  }

  /** Exchange requests seen since the last reset, by "METHOD /path". */
  async requests(): Promise<Record<string, number>> {
    return (await this.call<{ requests: Record<string, number> }>('GET', '/__sim/requests')).requests;
  }
}

function withSymbol(path: string, symbol: string | undefined): string {
  return symbol === undefined ? path : `${path}?symbol=${encodeURIComponent(symbol)}`;
}
