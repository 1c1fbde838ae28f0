import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP proxy in front of the simulator that stamps when each exchange request arrived and
 * when its answer was complete, on this process's clock. The function under test uses it as
 * MEXC_BASE_URL; the simulator still does the work (and the delay fault, the simulated RTT).
 */
export interface ProxiedRequest {
  endpoint: string;
  arrivedMs: number;
  doneMs: number;
}

export interface TimingProxy {
  url: string;
  /** requests answered since the last clear, in arrival order */
  log(): ProxiedRequest[];
  clear(): void;
  close(): Promise<void>;
}

export async function startTimingProxy(targetUrl: string): Promise<TimingProxy> {
  const target = new URL(targetUrl);
  let entries: ProxiedRequest[] = [];
  const server = createServer((req, res) => {
    const arrivedMs = performance.now();
    const endpoint = `${req.method ?? 'GET'} ${(req.url ?? '/').split('?')[0]}`;
    const upstream = request(
      {
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('end', () => entries.push({ endpoint, arrivedMs, doneMs: performance.now() }));
      },
    );
    upstream.on('error', () => {
      entries.push({ endpoint, arrivedMs, doneMs: performance.now() });
      res.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log: () => [...entries].sort((a, b) => a.arrivedMs - b.arrivedMs),
    clear() {
      entries = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Longest chain of requests each sent only after the previous one's answer was complete, among the
 * requests answered before `endpoint` (the first order) arrived: the sequential round trips a caller
 * waits for before its first order. Requests in parallel count once.
 */
export function sequentialBefore(log: readonly ProxiedRequest[], endpoint: string): number | null {
  const order = log.find((r) => r.endpoint === endpoint);
  if (!order) return null;
  const before = log.filter((r) => r.doneMs <= order.arrivedMs);
  const depth = new Map<ProxiedRequest, number>();
  for (const r of before) {
    let d = 1;
    for (const q of before) if (q !== r && q.doneMs <= r.arrivedMs) d = Math.max(d, (depth.get(q) ?? 1) + 1);
    depth.set(r, d);
  }
  return Math.max(0, ...depth.values());
}

/** One exchange request at or after the first `endpoint` (the order), timed from the order's arrival. */
export interface StepAfter {
  endpoint: string;
  startMs: number;
  endMs: number;
  /** 1 for the order itself; n + 1 when it was sent only after a step-n request's answer was complete */
  step: number;
}

/**
 * The requests from the first `endpoint` on, each with its step in the chain (as sequentialBefore
 * counts): what a run waits for after sending its order, and which of those waits are one after
 * another. Empty when there is no such request.
 */
export function chainFrom(log: readonly ProxiedRequest[], endpoint: string): StepAfter[] {
  const order = log.find((r) => r.endpoint === endpoint);
  if (!order) return [];
  const after = log.filter((r) => r.arrivedMs >= order.arrivedMs);
  const steps = new Map<ProxiedRequest, number>();
  for (const r of after) {
    let s = 1;
    for (const q of after) if (q !== r && q.doneMs <= r.arrivedMs) s = Math.max(s, (steps.get(q) ?? 1) + 1);
    steps.set(r, s);
  }
  return after.map((r) => ({
    endpoint: r.endpoint,
    startMs: r.arrivedMs - order.arrivedMs,
    endMs: r.doneMs - order.arrivedMs,
    step: steps.get(r) ?? 1,
  }));
}
