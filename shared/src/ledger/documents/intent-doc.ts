import * as v from 'valibot';
import { INTENT_STATUSES, type OrderIntent, type StoredRecord } from '../../ports/ledger';
import { decimalString, nullableDate, nullableRecord, nullableString, parseDoc } from './values';

/** `runs/{runId}/orders/{clientOrderId}`: one order, written before it is sent, and its exchange state. */
const intentDoc = v.object({
  run: v.string(),
  profile: v.string(),
  // v1 intents carry no account; they are reconciled through the account that carried them over
  account: v.nullish(v.string(), ''),
  attempt: v.pipe(v.number(), v.integer()),
  leg: v.pipe(v.number(), v.integer()),
  clientOrderId: v.string(),
  symbol: v.string(),
  side: v.string(),
  type: v.string(),
  quantity: v.nullish(decimalString, null),
  quoteQuantity: v.nullish(decimalString, null),
  price: v.nullish(decimalString, null),
  status: v.picklist(INTENT_STATUSES),
  orderId: nullableString,
  exchangeStatus: nullableString,
  executedQuantity: v.nullish(decimalString, '0'),
  executedQuote: v.nullish(decimalString, '0'),
  countedQuote: v.nullish(decimalString, '0'),
  fees: v.nullish(v.record(v.string(), decimalString), {}),
  error: nullableRecord,
  sendBy: nullableDate,
  recvWindowMs: v.nullish(v.pipe(v.number(), v.integer(), v.minValue(0)), null),
  settledBy: nullableString,
  createdAt: v.date(),
  updatedAt: v.date(),
  expireAt: v.date(),
});

export function parseIntent(path: string, data: StoredRecord): OrderIntent {
  const { run, profile, account, ...rest } = parseDoc(intentDoc, path, data);
  return { ...rest, runId: run, profileId: profile, accountId: account };
}
