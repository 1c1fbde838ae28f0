import { type Answer, answerProblem, settleProblem } from './answers';

const a = (http: string, status: string, code: string | null = null): Answer => ({ http, status, code });

describe('explorer answers against the status table', () => {
  it('allows reports, 409 run.in_progress, failed 500s, coded 503s and the explorer’s own kills', () => {
    for (const ok of [
      a('200', 'completed'),
      a('200', 'skipped/cooldown'),
      a('409', 'error/run.in_progress', 'run.in_progress'),
      a('500', 'failed/run.unsettled_orders'),
      a('503', 'error/run.deadline', 'run.deadline'),
      a('killed', 'killed'),
    ])
      expect(answerProblem(ok)).toBeNull();
  });

  it('refuses a 200 in_progress (Scheduler would stop retrying), a run past its timeout, and statuses outside the table', () => {
    expect(answerProblem(a('200', 'in_progress(dup)'))).toMatch(/stops retrying/);
    expect(answerProblem(a('timeout', 'timeout'))).toMatch(/FUNCTION_TIMEOUT_S/);
    expect(answerProblem(a('409', 'error/locked', 'locked'))).toMatch(/not run.in_progress/);
    expect(answerProblem(a('503', 'error/503'))).toMatch(/without an error code/);
    expect(answerProblem(a('401', 'error/auth.invalid_token', 'auth.invalid_token'))).toMatch(
      /not in the status table/,
    );
  });

  it('wants the quiet settle run to end completed or skipped with 200', () => {
    expect(settleProblem(a('200', 'skipped/within_band'))).toBeNull();
    expect(settleProblem(a('500', 'failed/run.unsettled_orders'))).toMatch(/HTTP 500/);
    expect(settleProblem(a('200', 'in_progress'))).toMatch(/ended in_progress/);
  });
});
