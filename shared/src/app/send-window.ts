import type { OrderIntent } from '../ports/ledger';

/**
 * When an order may still be sent, and when "the exchange does not know it" becomes final.
 *
 * An intent turns `submitted` with a `sendBy` a few seconds ahead; the adapter refuses to sign the
 * order after it, and MEXC refuses a request whose signed timestamp is older than recvWindow. That
 * only proves MEXC stopped ACCEPTING the request at sendBy + recvWindow; an order it accepted may
 * still be invisible to queries for a while (matching-engine backlog during the very incident that
 * made the send time out). So "not found" becomes final only after sendBy + recvWindow +
 * VISIBILITY_MARGIN_MS (minutes: waiting costs one trigger, a wrong `absent` costs a second order),
 * and the reconciler also finds the order in neither the open orders nor the trades since it was
 * written. The recvWindow is the one frozen on the intent at submit, so a config change later
 * cannot shorten the wait. Before that, "not found" may only mean "not visible yet" or "still on its way".
 */

/** how long after the ledger said "send" the order may still be signed */
export const SEND_WINDOW_MS = 5_000;
/**
 * Added after sendBy + recvWindow before an unseen sent order is final: covers the difference
 * between the ledger's clock (Firestore server time, in which sendBy is written and judged; no
 * instance clock takes part) and MEXC's, and an accepted order that MEXC shows to queries late
 * (engine backlog). Two minutes: a run blocked by it only waits for the next trigger.
 */
export const VISIBILITY_MARGIN_MS = 2 * 60_000;
/** MEXC's largest recvWindow: the safe assumption when the exchange adapter does not say */
export const DEFAULT_RECV_WINDOW_MS = 60_000;
/**
 * in-process budget from the start of a run for sending orders, well below the 120 s function
 * timeout; the run's deadlines (run-deadlines.ts) may end it sooner
 */
export const DEFAULT_SEND_DEADLINE_MS = 60_000;

/** The instant after which an unseen intent is provably never executed (null: it may be declared at once). */
export function absentAfter(
  intent: Pick<OrderIntent, 'status' | 'sendBy' | 'updatedAt' | 'recvWindowMs'>,
  recvWindowMs: number,
): Date | null {
  // A pending intent was never sent: only submitIntent, which needs the portfolio lock the
  // reconciling run now holds, could let it go.
  if (intent.status === 'pending') return null;
  // Documents written before sendBy existed: the send followed the `submitted` write directly.
  const sendBy = intent.sendBy ?? intent.updatedAt;
  // the recvWindow the order was signed with, frozen at submit; the larger one if config grew since
  const window = Math.max(intent.recvWindowMs ?? recvWindowMs, recvWindowMs);
  return new Date(sendBy.getTime() + window + VISIBILITY_MARGIN_MS);
}

/**
 * The exchange already answered for this order (it has an orderId, or it was seen resting): it
 * exists, so "not found" later is a lookup glitch, never proof of absence. Such an intent is never
 * declared `absent`; it stays unsettled until the exchange shows it again.
 */
export function wasAcknowledged(intent: Pick<OrderIntent, 'orderId' | 'status'>): boolean {
  return intent.orderId !== null || intent.status === 'open';
}

export function mayDeclareAbsent(intent: OrderIntent, now: Date, recvWindowMs: number): boolean {
  if (wasAcknowledged(intent)) return false;
  const after = absentAfter(intent, recvWindowMs);
  return after === null || now.getTime() > after.getTime();
}
