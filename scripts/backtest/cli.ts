/** `npm run backtest -- …`: the strategy over a price history vs buy-and-hold (docs/backtest.md). */
import { runBacktestCli } from './run-cli';

process.exitCode = runBacktestCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
