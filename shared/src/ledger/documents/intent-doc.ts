import * as v from 'valibot';
import { INTENT_STATUSES, type OrderIntent, type StoredRecord } from '../../ports/ledger';
import { decimalString, nullableDate, nullableRecord, nullableString, parseDoc } from './values';

/**
 * `runs/{runId}/orders/{clientOrderId}`: one order, written before it is sent, and its exchange state.
 * Its run is read as `runId`, the name the run document and the code use, or else as `run`, the
 * name every intent written so far (v1 and v2 ledgers) carries. The writer (../intents.ts) still
 * writes `run` until every raw reader reads `runId` too (scripts/chaos/ledger-view.ts does not yet).
 */
const intentDoc = v.object({
  runId: v.optional(v.string()),
  run: v.optional(v.string()),
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
  feesUnread: v.nullish(v.boolean(), false),
  error: nullableRecord,
  sendBy: nullableDate,
  recvWindowMs: v.nullish(v.pipe(v.number(), v.integer(), v.minValue(0)), null),
  settledBy: nullableString,
  createdAt: v.date(),
  updatedAt: v.date(),
  expireAt: v.date(),
});

const storedIntent = v.pipe(
  intentDoc,
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const { runId, run, ...rest } = dataset.value;
    const id = runId ?? run;
    if (id === undefined) {
      addIssue({ message: 'neither runId nor (before it) run is a string', path: runIdPath(dataset.value) });
      return NEVER;
    }
    return { ...rest, runId: id };
  }),
);

function runIdPath(input: Record<string, unknown>): [v.ObjectPathItem] {
  return [{ type: 'object', origin: 'value', input, key: 'runId', value: undefined }];
}

export function parseIntent(path: string, data: StoredRecord): OrderIntent {
  const { profile, account, ...rest } = parseDoc(storedIntent, path, data);
  return { ...rest, profileId: profile, accountId: account };
}
