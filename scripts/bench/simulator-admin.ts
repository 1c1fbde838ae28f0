/** The simulator's admin API (SIMULATOR-CONTRACT), as the bench uses it. */
export interface SimOrder {
  clientOrderId: string | null;
  time: number;
}

export class SimAdmin {
  constructor(private readonly url: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok)
      throw new Error(`simulator ${method} ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** Back to the start balances; clears orders, trades, request counts and faults. */
  async reset(): Promise<void> {
    await this.call('POST', '/__sim/reset', {});
    await this.call('DELETE', '/__sim/faults');
  }

  /** Every exchange request from now on waits `ms` before it is handled: a simulated round-trip time. */
  async delayAll(ms: number): Promise<void> {
    await this.call('POST', '/__sim/faults', { endpoint: '*', kind: 'delay', count: 100_000, delayMs: ms });
  }

  async requests(): Promise<Record<string, number>> {
    return (await this.call<{ requests: Record<string, number> }>('GET', '/__sim/requests')).requests;
  }

  async orders(): Promise<SimOrder[]> {
    return (await this.call<{ orders: SimOrder[] }>('GET', '/__sim/orders')).orders;
  }
}
