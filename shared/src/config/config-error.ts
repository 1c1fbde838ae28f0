import { AppError } from '../errors';

/** Bad configuration: the function refuses to start, so no run is ever claimed with it. */
export class ConfigError extends AppError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super({
      code: 'config.invalid',
      what: `invalid configuration: ${problems.join('; ')}`,
      notDone: 'the function did not start; no run was claimed and no order was sent',
      todo: 'fix the named environment variables and deploy again',
      metadata: { problems: problems.length },
    });
    this.problems = problems;
  }
}
