/**
 * `npm run runs`: the runs in the ledger as a table, newest first; `npm run runs -- show <id>` tells one
 * run in words with its orders and how each was settled. Reads Firestore directly (see
 * scripts/lib/ledger-source.ts for where from); never writes.
 */
import { parseArgs } from 'node:util';
import { argumentProblem, type CliIo, stdio } from '../lib/cli-io';
import { type LedgerSourceOptions, openLedgerSource } from '../lib/ledger-source';
import { describeRun, runsTable } from './format';
import { listRuns, readRun } from './ledger-read';

export const USAGE = `usage: npm run runs -- [options]             the runs, newest first, as a table
       npm run runs -- show <executionId>    one run in words: what it found, planned, sent, and how each order was settled

filters
  --profile <id>            only this strategy profile
  --status <s>[,<s>…]       completed, dry_run, skipped, failed, running
  --since <time>            runs started at or after: ISO date/time (2025-01-01, 2025-01-01T12:00Z) or an age (90m, 24h, 7d)
  --until <time>            runs started at or before (same forms)
  --limit <n>               at most n rows (default 20)
  --json                    the parsed documents as JSON

where the ledger is (first that applies)
  --emulator <host:port>    a Firestore emulator (or FIRESTORE_EMULATOR_HOST), project --project / GOOGLE_CLOUD_PROJECT
  --project <id>            the real Firestore of that project, with Application Default Credentials
                            (gcloud auth application-default login; roles/datastore.viewer is enough)
  --database <id>           a named database (FIRESTORE_DATABASE; default "(default)")
  (neither)                 the running \`npm run dev\` stack's emulator, else what the last \`npm start\` /
                            \`npm run dev\` kept in .local/ledger/ (an emulator is started for the command)
  -h, --help                this text`;

export type RunsIo = CliIo;

class UsageError extends Error {}

/** `2025-01-01`, `2025-01-01T12:00:00Z`, or an age before now: `90m`, `24h`, `7d`. */
export function parseTime(raw: string, now: Date, flag: string): Date {
  const age = /^(\d+)\s*([mhd])$/.exec(raw.trim());
  if (age) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[age[2] as 'm' | 'h' | 'd'];
    return new Date(now.getTime() - Number(age[1]) * unit);
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(raw) && !Number.isNaN(Date.parse(raw))) {
    // a date alone is midnight UTC; a time without a zone is read as UTC too
    const zoned = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(raw) ? `${raw}Z` : raw;
    return new Date(Date.parse(zoned));
  }
  throw new UsageError(
    `${flag} "${raw}" is neither an ISO date/time (2025-01-01, 2025-01-01T12:00Z) nor an age (90m, 24h, 7d)`,
  );
}

const STATUSES = ['completed', 'dry_run', 'skipped', 'failed', 'running'];

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      profile: { type: 'string' },
      status: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      limit: { type: 'string', default: '20' },
      json: { type: 'boolean', default: false },
      emulator: { type: 'string' },
      project: { type: 'string' },
      database: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

export async function runRuns(argv: readonly string[], io: RunsIo = stdio): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    io.err(`runs: ${argumentProblem(error)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const now = io.now?.() ?? new Date();
  let command: { kind: 'list'; query: Parameters<typeof listRuns>[1] } | { kind: 'show'; id: string };
  try {
    const [verb, id, ...rest] = positionals;
    if (verb === 'show') {
      if (!id || rest.length > 0)
        throw new UsageError('show takes one execution id: npm run runs -- show <executionId>');
      command = { kind: 'show', id };
    } else if (verb === undefined || verb === 'list') {
      if (id !== undefined) throw new UsageError(`unexpected argument "${id}"`);
      const statuses = values.status
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const unknown = statuses?.find((s) => !STATUSES.includes(s));
      if (unknown) throw new UsageError(`--status "${unknown}" is not one of ${STATUSES.join(', ')}`);
      const limit = Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
        throw new UsageError('--limit must be a whole number from 1 to 10000');
      const since = values.since ? parseTime(values.since, now, '--since') : undefined;
      const until = values.until ? parseTime(values.until, now, '--until') : undefined;
      if (since && until && since > until) throw new UsageError('--since is after --until');
      command = { kind: 'list', query: { profile: values.profile, statuses, since, until, limit } };
    } else throw new UsageError(`unknown command "${verb}" (list or show)`);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`runs: ${error.message}\n\n${USAGE}`);
    return 2;
  }

  const sourceOptions: LedgerSourceOptions = {
    emulator: values.emulator,
    project: values.project,
    database: values.database,
    ...(io.env ? { env: io.env } : {}),
    ...(io.localDir ? { localDir: io.localDir } : {}),
    say: (line) => io.err(line),
  };
  let source: Awaited<ReturnType<typeof openLedgerSource>>;
  try {
    source = await openLedgerSource(sourceOptions);
  } catch (error) {
    io.err(`runs: ${argumentProblem(error)}`);
    return 1;
  }
  try {
    if (command.kind === 'show') {
      const found = await readRun(source.db, command.id);
      if (!found) {
        io.err(`runs: no run ${command.id} in ${source.where}`);
        return 1;
      }
      io.out(values.json ? JSON.stringify(found, null, 2) : describeRun(found.run, found.intents));
      return 0;
    }
    const { runs, scanned } = await listRuns(source.db, command.query);
    if (values.json) {
      io.out(JSON.stringify(runs, null, 2));
      return 0;
    }
    io.err(`${source.where}: ${runs.length} run(s)${scanned > runs.length ? ` of ${scanned} read` : ''}, newest first`);
    io.out(runs.length === 0 ? 'no runs match' : runsTable(runs));
    return 0;
  } catch (error) {
    io.err(`runs: reading ${source.where} failed: ${argumentProblem(error)}`);
    return 1;
  } finally {
    await source.close();
  }
}

if (require.main === module) {
  runRuns(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`runs: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
