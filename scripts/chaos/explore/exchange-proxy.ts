/**
 * A loopback HTTP proxy in front of the MEXC simulator. The simulator's own request log only counts
 * requests per endpoint; the explorer needs them in order, interleaved with the ledger calls, and a
 * place to stop one before it reaches the exchange. Faults themselves stay the simulator's (its
 * /__sim/faults answers with MEXC's real error shapes); the proxy only holds, forwards, and passes
 * on a dropped connection as a dropped connection.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ExchangeCall {
  /** `METHOD /path`, the simulator's endpoint name (no query) */
  endpoint: string;
}

export type ExchangeVerdict = { kind: 'forward' } | { kind: 'swallow' };

export interface ExchangeGate {
  before(call: ExchangeCall): Promise<ExchangeVerdict>;
  /** the simulator's whole answer reached the function */
  after(call: ExchangeCall): void;
}

export interface ExchangeProxy {
  /** http://127.0.0.1:port, the function's MEXC_BASE_URL */
  readonly url: string;
  close(): Promise<void>;
}

export async function startExchangeProxy(upstreamUrl: string, gate: ExchangeGate): Promise<ExchangeProxy> {
  const upstream = new URL(upstreamUrl);
  const sockets = new Set<Socket>();
  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const call: ExchangeCall = { endpoint: `${req.method ?? 'GET'} ${url.pathname}` };
    void gate.before(call).then(
      (verdict) => {
        if (verdict.kind === 'swallow' || res.destroyed) return;
        const up = http.request(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: upstream.host },
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
            answer.on('end', () => gate.after(call));
            answer.on('error', () => res.destroy());
          },
        );
        // the simulator dropped the connection (accept_then_timeout): so does the proxy
        up.on('error', () => res.destroy());
        res.on('close', () => {
          if (!res.writableFinished) up.destroy();
        });
        req.pipe(up);
      },
      () => res.destroy(),
    );
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
