import type { StoredRecord } from '../../ports/ledger';
import { parseIntent } from './intent-doc';

/** An intent document as the ledger stores it, with the run under `runId` (the name it writes now). */
function stored(fields: StoredRecord = {}): StoredRecord {
  const at = new Date('2026-03-10T12:00:00Z');
  return {
    runId: 'job-run-0001',
    profile: 'default',
    account: 'acct-1',
    attempt: 1,
    leg: 0,
    clientOrderId: 'qrb0001',
    symbol: 'QRLUSDT',
    side: 'SELL',
    type: 'LIMIT',
    quantity: '10',
    quoteQuantity: null,
    price: '0.5',
    status: 'submitted',
    orderId: null,
    exchangeStatus: null,
    executedQuantity: '0',
    executedQuote: '0',
    countedQuote: '0',
    fees: {},
    error: null,
    sendBy: at,
    recvWindowMs: 5000,
    settledBy: null,
    createdAt: at,
    updatedAt: at,
    expireAt: at,
    ...fields,
  };
}

const path = 'runs/job-run-0001/orders/qrb0001';

describe('parseIntent: the run an intent belongs to', () => {
  it('reads runId, the name the run document and the code use', () => {
    expect(parseIntent(path, stored())).toMatchObject({ runId: 'job-run-0001', profileId: 'default' });
  });

  it('reads `run` from intents written before the rename (v1 and v2 ledgers in use)', () => {
    const { runId: _, ...older } = stored();
    const intent = parseIntent(path, { ...older, run: 'job-run-0001' });
    expect(intent.runId).toBe('job-run-0001');
    expect(intent).not.toHaveProperty('run');
  });

  it('prefers runId when a document has both', () => {
    expect(parseIntent(path, stored({ run: 'older-name' })).runId).toBe('job-run-0001');
  });

  it('refuses a document with neither, naming the field and the document', () => {
    const { runId: _, ...neither } = stored();
    expect(() => parseIntent(path, neither)).toThrow(
      expect.objectContaining({ code: 'ledger.bad_document', message: expect.stringContaining(`${path}`) }),
    );
    expect(() => parseIntent(path, neither)).toThrow(/invalid field runId/);
  });
});
