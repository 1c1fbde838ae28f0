/**
 * The `?deep=1` half of `health`, bundled on its own as dist/health/deep.js (see scripts/build.ts):
 * it pulls in config, auth, the exchange client and Firestore, which a shallow probe never loads.
 */
export { deepHealthFromEnv } from '@qrl-rebalancer/shared/deep-health';
