import Big from 'big.js';
import type { StoredRecord } from '../../ports/ledger';
import { intentDocs } from '../intents';
import { parseIntent } from './intent-doc';

const at = new Date('2026-03-10T12:00:00Z');

/** An intent document as the ledger writes it now. */
function written(): { path: string; data: StoredRecord } {
  const [doc] = intentDocs(
    { runId: 'job-run-0001', profileId: 'default', accountId: 'acct-1', attempt: 1 },
    [
      {
        leg: 0,
        order: {
          symbol: 'QRLUSDT',
          side: 'SELL',
          type: 'LIMIT',
          quantity: new Big(10),
          price: new Big('0.5'),
          clientOrderId: 'qrb0001',
        },
        sendBy: at,
        recvWindowMs: 5000,
      },
    ],
    at,
    at,
  );
  if (!doc) throw new Error('intentDocs wrote no document');
  return doc;
}

describe('intent documents: the run they belong to', () => {
  it('are written with runId, the name the run document and the code use, and read back', () => {
    const { path, data } = written();
    expect(data).toMatchObject({ runId: 'job-run-0001' });
    expect(data).not.toHaveProperty('run');
    expect(parseIntent(path, data)).toMatchObject({
      runId: 'job-run-0001',
      profileId: 'default',
      clientOrderId: 'qrb0001',
    });
  });

  it('written before the rename (v1 and v2 ledgers in use) say `run`, which is still read', () => {
    const { path, data } = written();
    const { runId: _, ...older } = data;
    const intent = parseIntent(path, { ...older, run: 'job-run-0001' });
    expect(intent.runId).toBe('job-run-0001');
    expect(intent).not.toHaveProperty('run');
  });

  it('with both names, runId wins', () => {
    const { path, data } = written();
    expect(parseIntent(path, { ...data, run: 'older-name' }).runId).toBe('job-run-0001');
  });

  it('with neither, are refused, naming the field and the document', () => {
    const { path, data } = written();
    const { runId: _, ...neither } = data;
    expect(() => parseIntent(path, neither)).toThrow(
      expect.objectContaining({ code: 'ledger.bad_document', message: expect.stringContaining(path) }),
    );
    expect(() => parseIntent(path, neither)).toThrow(/invalid field runId/);
  });
});
