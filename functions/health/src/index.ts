/**
 * Cloud Run function `health`: composition root only. The shallow probe imports nothing but the
 * narrow ./health subpath; `?deep=1` loads config, auth, the exchange client and the ledger on its
 * first call (esbuild keeps that module lazy), so a probe never pays for Firestore.
 */
import * as ff from '@google-cloud/functions-framework';
import { healthHttp } from '@qrl-rebalancer/shared/health';

const deep = async () => (await import('@qrl-rebalancer/shared/deep-health')).deepHealthFromEnv(process.env);
ff.http('health', healthHttp({ deep }));
