import type { AddressInfo } from 'node:net';
import { resolveConfig, type SimulatorConfig } from './config';
import { SimExchange } from './exchange';
import { FaultQueue } from './faults';
import { RateLimiter } from './rate-limits';
import { createSimulatorServer } from './server';

export type { PricePath, SimulatorConfig, SymbolConfig } from './config';
export { parsePriceCsv, SimulatorConfigError } from './config';
export {
  type AdminBalances,
  type AdminOrder,
  type AdminTrade,
  adminRequest,
  type FaultInput,
  type KeyInput,
  type OrderArrival,
  type PriceInput,
  SimulatorAdmin,
} from './testing/admin-client';

export interface SimulatorOptions {
  /** 0 or undefined = a free port on 127.0.0.1. */
  port?: number;
  /** Deterministic state for a given seed (default 1). */
  seed?: number;
  /** Default: env MEXC_API_KEY, else a local default. */
  apiKey?: string;
  /** Default: env MEXC_API_SECRET, else a local default. */
  apiSecret?: string;
  config?: SimulatorConfig;
}

export interface RunningSimulator {
  /** http://127.0.0.1:<port> (use as MEXC_BASE_URL). */
  url: string;
  port: number;
  apiKey: string;
  apiSecret: string;
  stop(): Promise<void>;
}

/** Credentials used when neither options nor env give any; printed by the CLI, never valid on MEXC. */
export const localDefaultCredentials = {
  apiKey: 'mx0simLocalKey000000',
  apiSecret: 'mexc-sim-secret-0123456789abcdef',
} as const;

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const config = resolveConfig(options.config ?? {});
  const seed = options.seed ?? 1;
  const apiKey = options.apiKey ?? nonEmpty(process.env.MEXC_API_KEY) ?? localDefaultCredentials.apiKey;
  const apiSecret = options.apiSecret ?? nonEmpty(process.env.MEXC_API_SECRET) ?? localDefaultCredentials.apiSecret;
  const exchange = new SimExchange(config, seed);
  const server = createSimulatorServer({
    exchange,
    faults: new FaultQueue(),
    requestCounts: new Map(),
    orderArrivals: [],
    rateLimiter: new RateLimiter(config.rateLimits),
    apiKey,
    apiSecret,
    requireContentType: config.requireContentType,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    apiKey,
    apiSecret,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
