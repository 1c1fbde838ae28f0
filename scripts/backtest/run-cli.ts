import { readFileSync, writeFileSync } from 'node:fs';
import { AppError } from '../../shared/src/errors';
import { runBacktest } from './engine';
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

function barCount(text: string): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines += 1;
  return Math.max(1, lines + (text.endsWith('\n') ? 0 : 1) - 1);
}

function readPrices(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new AppError({
      code: 'backtest.prices_unreadable',
      what: `cannot read the price file ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      notDone: 'the backtest did not run',
      todo: 'check the path given to --prices',
    });
  }
}

export function runWithOptions(options: BacktestOptions, io: CliIo): void {
  const profile = loadProfile(options.profile, io.env);
  let bars: Iterable<Bar>;
  let total: number;
  if (options.source.kind === 'csv') {
    const text = readPrices(options.source.path);
    total = barCount(text);
    bars = readBars(text, options.source.path);
  } else {
    total = options.source.bars;
    bars = gbmBars(options.source);
  }
  const show = options.progress ?? (io.stderr.isTTY === true && total >= PROGRESS_FROM_BARS);
  const progress: Progress = show ? progressBar(io.stderr, total, 'backtest') : NO_PROGRESS;
  const report = runBacktest({
    bars,
    profile,
    feeRate: options.feeRate,
    capital: options.capital,
    keepSeries: options.plot !== null,
    onBar: (done) => progress.update(done),
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
