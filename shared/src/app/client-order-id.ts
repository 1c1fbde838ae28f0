import { createHash } from 'node:crypto';
import { AppError } from '../errors/app-error';

/** MEXC's rule for newClientOrderId (reference §4): 1–32 of A-Z a-z 0-9 _ -. */
export const CLIENT_ORDER_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

const PREFIX = 'rb';
const HASH_CHARS = 24;
const MAX_LEG = 9999;

/**
 * The client order id of leg `leg` of run `executionId`: `rb-<24 hex of sha256(executionId)>-<leg>`.
 *
 * Why a hash: execution ids may be 64 characters, MEXC allows 32. 96 bits of SHA-256 keep two runs
 * from ever sharing an id, and the intent document (`runs/{executionId}/orders/{clientOrderId}`)
 * maps it back. Why no attempt number: a taken-over attempt must find its predecessor's orders
 * under the same ids, so an order is never sent twice under two names.
 */
export function clientOrderIdFor(executionId: string, leg: number): string {
  if (!Number.isInteger(leg) || leg < 0 || leg > MAX_LEG) {
    throw new AppError({
      code: 'run.bad_leg',
      what: `leg ${leg} is not a whole number between 0 and ${MAX_LEG}`,
      notDone: 'no client order id was made, so no order was written or sent',
      todo: 'this is a bug in the plan; report it with the run id',
    });
  }
  const hash = createHash('sha256').update(executionId, 'utf8').digest('hex').slice(0, HASH_CHARS);
  return `${PREFIX}-${hash}-${leg}`;
}
