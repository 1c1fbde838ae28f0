import type { RebalanceOnce } from '../app/contract';
import { AppError } from '../errors';

/** Placeholder until shared/src/app exports rebalanceOnce: refuses with 500, never trades. */
export const rebalanceOnce: RebalanceOnce = async () => {
  throw new AppError({
    code: 'app.not_wired',
    what: 'the rebalance use case is not wired into this build',
    notDone: 'nothing was claimed and no order was sent',
    todo: 'deploy a build that includes shared/src/app',
  });
};
