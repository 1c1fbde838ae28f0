/**
 * `npm run preflight`: can this API key and this configuration trade? Read-only calls to MEXC
 * (server time, the account, this key's selfSymbols, exchangeInfo, the book), the same environment
 * variables as the functions, and the current plan as a dry run. Exits 0 when nothing failed.
 *
 * Against the simulator:  npm run simulator -- --port 9090
 *                         MEXC_BASE_URL=http://127.0.0.1:9090 MEXC_API_KEY=… MEXC_API_SECRET=… npm run preflight
 * Against MEXC:           MEXC_API_KEY=… MEXC_API_SECRET=… STRATEGY_PROFILES='…' npm run preflight
 */
import { formatLines, runPreflight } from './preflight/checklist';

runPreflight(process.env).then(
  (result) => {
    console.log(formatLines(result));
    process.exit(result.ok ? 0 : 1);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
