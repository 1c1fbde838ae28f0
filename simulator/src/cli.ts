/**
 * `npm run simulator -- --port 9090 [--seed N] [--config file.json] [--api-key K --api-secret S]`
 * Credentials: flags, else MEXC_API_KEY / MEXC_API_SECRET, else local defaults (printed).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseSimulatorConfig } from './config';
import { localDefaultCredentials, startSimulator } from './index';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '9090' },
      seed: { type: 'string', default: '1' },
      config: { type: 'string' },
      'api-key': { type: 'string' },
      'api-secret': { type: 'string' },
    },
    strict: true,
  });
  const port = integer(values.port, '--port');
  const seed = integer(values.seed, '--seed');
  const config = values.config === undefined ? undefined : parseSimulatorConfig(readJson(values.config));
  const apiKey = values['api-key'] ?? process.env.MEXC_API_KEY ?? undefined;
  const apiSecret = values['api-secret'] ?? process.env.MEXC_API_SECRET ?? undefined;
  if ((apiKey === undefined || apiKey === '') !== (apiSecret === undefined || apiSecret === '')) {
    throw new Error('give both an API key and an API secret (flags or MEXC_API_KEY/MEXC_API_SECRET), or neither');
  }
  const simulator = await startSimulator({
    port,
    seed,
    ...(apiKey ? { apiKey } : { apiKey: localDefaultCredentials.apiKey }),
    ...(apiSecret ? { apiSecret } : { apiSecret: localDefaultCredentials.apiSecret }),
    ...(config === undefined ? {} : { config }),
  });
  console.log(`MEXC simulator listening on ${simulator.url} (seed ${seed})`);
  if (!apiKey) {
    // Local, throw-away credentials only; real ones are never printed.
    console.log(`local credentials: MEXC_API_KEY=${simulator.apiKey} MEXC_API_SECRET=${simulator.apiSecret}`);
  } else {
    console.log('using the API key and secret given by flags or MEXC_API_KEY/MEXC_API_SECRET');
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    simulator.stop().then(
      () => {
        console.log(`simulator stopped (${signal})`);
        process.exit(0);
      },
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function integer(raw: string | undefined, flag: string): number {
  if (raw === undefined || !/^\d+$/.test(raw)) throw new Error(`${flag} must be a whole number, got "${raw}"`);
  return Number(raw);
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`--config ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
