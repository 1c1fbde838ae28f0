import { readFileSync, writeFileSync } from 'node:fs';
import { AppError } from '../../shared/src/errors';
import { type BacktestReport, runBacktest } from './engine';
import { type BarColumns, columnsOfBars, readBarColumns } from './fast-csv';
import { runBacktestFast } from './fast-engine';
import { gbmBars } from './gbm';
import { type BacktestOptions, parseBacktestArgs } from './options';
import { type Bar, readBars } from './price-csv';
import { loadProfile } from './profile-source';
import { NO_PROGRESS, type Progress, progressBar } from './progress-bar';
import { formatReport, reportJson } from './report';
import { valueChartSvg } from './value-chart';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
}

/** Long enough that a bar is worth drawing when nobody asked. */
const PROGRESS_FROM_BARS = 20_000;

function readPrices(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new AppError({
      code: 'backtest.prices_unreadable',
      what: `cannot read the price file ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      notDone: 'the backtest did not run',
      todo: 'check the path given to --prices',
    });
  }
}

function lineCount(bytes: Buffer): number {
  let lines = 0;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) lines += 1;
  return Math.max(1, lines + (bytes.at(-1) === 10 ? 0 : 1) - 1);
}

/**
 * The backtest as the CLI runs it: the fast engine over the fast reader's columns, or with `exact`
 * readBars and plan() on every bar. Both give the same report (fast-engine.test.ts, the bench).
 */
export function backtestOf(
  options: BacktestOptions,
  io: Pick<CliIo, 'env'>,
  extra: { onBar?: (done: number) => void; bytes?: Buffer } = {},
): BacktestReport {
  const { onBar } = extra;
  const profile = loadProfile(options.profile, io.env);
  const common = {
    profile,
    feeRate: options.feeRate,
    capital: options.capital,
    keepSeries: options.plot !== null,
    ...(onBar ? { onBar } : {}),
  };
  const source = options.source;
  if (options.exact) {
    const bars: Iterable<Bar> =
      source.kind === 'csv'
        ? readBars((extra.bytes ?? readPrices(source.path)).toString('utf8'), source.path)
        : gbmBars(source);
    return runBacktest({ ...common, bars });
  }
  const columns: BarColumns =
    source.kind === 'csv'
      ? readBarColumns(extra.bytes ?? readPrices(source.path), source.path)
      : columnsOfBars(gbmBars(source));
  return runBacktestFast({ ...common, columns });
}

export function runWithOptions(options: BacktestOptions, io: CliIo): void {
  const bytes = options.source.kind === 'csv' ? readPrices(options.source.path) : undefined;
  const total = bytes ? lineCount(bytes) : options.source.kind === 'gbm' ? options.source.bars : 0;
  const show = options.progress ?? (io.stderr.isTTY === true && total >= PROGRESS_FROM_BARS);
  const progress: Progress = show ? progressBar(io.stderr, total, 'backtest') : NO_PROGRESS;
  const report = backtestOf(options, io, {
    ...(bytes ? { bytes } : {}),
    ...(show ? { onBar: (done: number) => progress.update(done) } : {}),
  });
  progress.finish();
  if (options.plot !== null && report.series) {
    const title = `${report.symbol} ${report.from.slice(0, 10)} → ${report.to.slice(0, 10)}: rebalance (${report.profile}) vs buy and hold`;
    writeFileSync(options.plot, valueChartSvg(report.series, title, report.quote));
  }
  io.stdout.write(options.json ? `${JSON.stringify(reportJson(report), null, 2)}\n` : `${formatReport(report)}\n`);
  if (options.plot !== null && !options.json) io.stdout.write(`plot: ${options.plot}\n`);
}

/** The whole command; returns the exit code. Expected errors print their three sentences, not a stack. */
export function runBacktestCli(argv: readonly string[], io: CliIo): number {
  try {
    runWithOptions(parseBacktestArgs(argv), io);
    return 0;
  } catch (error) {
    if (error instanceof AppError) {
      io.stderr.write(`backtest: ${error.what}\n${error.notDone}; ${error.todo}\n`);
      return 2;
    }
    throw error;
  }
}
