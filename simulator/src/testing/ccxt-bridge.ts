/**
 * Runs ccxt's mexc class in a child process and answers line-delimited JSON calls on stdin:
 * `{"id":1,"method":"fetchBalance","args":[]}` → `{"id":1,"result":...}` or `{"id":1,"error":{name,message}}`.
 * ccxt's CommonJS build needs ESM-only packages (@noble/*) that jest's module loader cannot load, so
 * the conformance test drives ccxt here, in plain Node 22, over real HTTP to the simulator.
 * Usage: node --import tsx ccxt-bridge.ts <simulatorUrl> <apiKey> <apiSecret>
 */
import { createInterface } from 'node:readline';
import ccxt from 'ccxt';

const [url, apiKey, secret] = process.argv.slice(2);
if (!url || !apiKey || !secret) {
  console.error('usage: ccxt-bridge.ts <simulatorUrl> <apiKey> <apiSecret>');
  process.exit(2);
}

const exchange = new ccxt.mexc({ apiKey, secret, enableRateLimit: false });
const api = exchange.urls.api as Record<string, Record<string, string>>;
api.spot = { public: url, private: url };
api.contract = { public: `${url}/api/v1/contract`, private: `${url}/api/v1/private` };
const methods = exchange as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;

interface Call {
  id: number;
  method: string;
  args: unknown[];
}

function reply(message: unknown): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const call = JSON.parse(line) as Call;
  const method = methods[call.method];
  if (typeof method !== 'function') {
    reply({ id: call.id, error: { name: 'NoSuchMethod', message: call.method } });
    return;
  }
  // JSON has no undefined; null stands for an argument left out.
  method
    .apply(
      exchange,
      call.args.map((arg) => (arg === null ? undefined : arg)),
    )
    .then(
      (result) => reply({ id: call.id, result }),
      (error: unknown) =>
        reply({
          id: call.id,
          error: {
            name: error instanceof Error ? error.constructor.name : 'Error',
            message: error instanceof Error ? error.message : String(error),
            // ccxt error classes inherit: InsufficientFunds is an InvalidOrder is an ExchangeError.
            lineage: lineage(error),
          },
        }),
    );
});

function lineage(error: unknown): string[] {
  const names: string[] = [];
  let proto: unknown = error === null || typeof error !== 'object' ? undefined : Object.getPrototypeOf(error);
  while (proto && proto !== Object.prototype) {
    const ctor = (proto as { constructor?: { name?: string } }).constructor;
    if (ctor?.name) names.push(ctor.name);
    proto = Object.getPrototypeOf(proto);
  }
  return names;
}
