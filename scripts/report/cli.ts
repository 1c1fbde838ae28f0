/**
 * `npm run report`: one self-contained HTML page from the ledger — portfolio value against buy-and-hold
 * of the starting balances, each asset's weight with its band, trades marked, cumulative turnover and
 * fees, and the last runs. Reads Firestore like `npm run runs` (scripts/lib/ledger-source.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bandFor, parseProfiles } from '@qrl-rebalancer/shared/domain';
import { argumentProblem, type CliIo, stdio } from '../lib/cli-io';
import { LOCAL_DIR } from '../lib/kept-ledger';
import { type LedgerSourceOptions, openLedgerSource } from '../lib/ledger-source';
import { parseTime } from '../runs/cli';
import { listRuns, listSnapshots } from '../runs/ledger-read';
import { renderReport } from './html';
import { type AssetBand, buildReportModel, ReportInputError } from './model';

export const DEFAULT_OUT = join(LOCAL_DIR, 'report.html');

export const USAGE = `usage: npm run report -- [options]

Writes one self-contained HTML page (inline SVG, nothing fetched) from the ledger: value against
buy-and-hold of the starting balances, each asset's weight with its band, trades marked, cumulative
turnover and fees, and the last runs.

  --out <file>              where to write it (default .local/report.html)
  --profile <id>            the profile to draw (default: the only one in the ledger, else "default")
  --since <time>, --until <time>
                            ISO date/time (UTC) or an age (90m, 24h, 7d), as for npm run runs
  --runs <n>                rows in the last-runs table (default 20)
  --emulator <host:port>, --project <id>, --database <id>
                            where the ledger is, as for npm run runs (default: the dev stack's emulator,
                            else what the last npm start / npm run dev kept in .local/ledger/)
  -h, --help                this text`;

export type ReportIo = CliIo;

/** Targets and bands as STRATEGY_PROFILES (or the built-in profile) configures them here. */
function configuredBands(env: Readonly<Record<string, string | undefined>>) {
  return (profileId: string): Record<string, AssetBand> | null => {
    try {
      const profile = parseProfiles(env.STRATEGY_PROFILES || undefined)[profileId];
      if (!profile) return null;
      return Object.fromEntries(
        Object.entries(profile.targets).map(([asset, target]) => {
          const band = bandFor(profile, target);
          return [asset, { target: target.toNumber(), band: band ? band.toNumber() : null }];
        }),
      );
    } catch {
      return null;
    }
  };
}

export async function runReport(argv: readonly string[], io: ReportIo = stdio): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  try {
    const parsed = parse(argv);
    values = parsed.values;
    if (parsed.positionals.length > 0) throw new Error(`unexpected argument "${parsed.positionals[0]}"`);
  } catch (error) {
    io.err(`report: ${argumentProblem(error)}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const now = io.now?.() ?? new Date();
  let since: Date | undefined;
  let until: Date | undefined;
  const lastRuns = Number(values.runs);
  try {
    since = values.since ? parseTime(values.since, now, '--since') : undefined;
    until = values.until ? parseTime(values.until, now, '--until') : undefined;
    if (!Number.isInteger(lastRuns) || lastRuns < 1 || lastRuns > 1000)
      throw new Error('--runs must be a whole number from 1 to 1000');
  } catch (error) {
    io.err(`report: ${argumentProblem(error)}\n\n${USAGE}`);
    return 2;
  }
  const env = io.env ?? process.env;
  const sourceOptions: LedgerSourceOptions = {
    emulator: values.emulator,
    project: values.project,
    database: values.database,
    env,
    ...(io.localDir ? { localDir: io.localDir } : {}),
    say: (line) => io.err(line),
  };
  let source: Awaited<ReturnType<typeof openLedgerSource>>;
  try {
    source = await openLedgerSource(sourceOptions);
  } catch (error) {
    io.err(`report: ${argumentProblem(error)}`);
    return 1;
  }
  try {
    const [{ runs }, snapshots] = await Promise.all([
      listRuns(source.db, { since, until, limit: 100_000 }),
      listSnapshots(source.db, { since, until }),
    ]);
    const model = buildReportModel({
      runs,
      snapshots,
      profile: values.profile,
      configuredBands: configuredBands(env),
      lastRuns,
    });
    const out = resolve(values.out ?? (io.localDir ? join(io.localDir, 'report.html') : DEFAULT_OUT));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, renderReport(model, { source: source.where, generatedAt: now }));
    io.err(
      `${source.where}: profile ${model.profile}, ${model.runs.length < runs.length ? `${runs.length} runs` : `${model.runs.length} run(s)`}, ${model.snapshots} snapshot(s), ${model.trades.length} trade(s)`,
    );
    io.out(`report: ${relative(process.cwd(), out) || out}`);
    return 0;
  } catch (error) {
    if (error instanceof ReportInputError) {
      io.err(`report: ${error.message}`);
      return 2;
    }
    io.err(`report: reading ${source.where} failed: ${argumentProblem(error)}`);
    return 1;
  } finally {
    await source.close();
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: 'string' },
      profile: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      runs: { type: 'string', default: '20' },
      emulator: { type: 'string' },
      project: { type: 'string' },
      database: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

if (require.main === module) {
  runReport(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`report: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
