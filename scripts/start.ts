/**
 * `npm start`: the whole job on this machine with no cloud account. Until the rebalance use case
 * is wired, it builds the bundles, serves `health` under functions-framework, shows its answer
 * and says plainly what is not wired yet.
 */
import { buildFunctions } from './build';
import { serveFunction } from './lib/serve-function';

async function main(): Promise<void> {
  await buildFunctions();
  const health = await serveFunction('health');
  try {
    const body = await (await fetch(health.url)).json();
    console.log(`health: ${JSON.stringify(body)}`);
  } finally {
    await health.stop();
  }
  console.log('rebalance: not yet wired — no run was made and no order was sent.');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
