import Big from 'big.js';
import type { StoredRecord } from '../../ports/ledger';
import { intentDocs } from '../intents';
import { parseIntent } from './intent-doc';

const at = new Date('2026-03-10T12:00:00Z');

/** An intent document exactly as the ledger writes it. */
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

/** The written document with the run id under `name` only. */
function stored(name: 'run' | 'runId' | null): { path: string; data: StoredRecord } {
  const doc = written();
  const { run: _run, runId: _runId, ...rest } = doc.data;
  return { path: doc.path, data: name === null ? rest : { ...rest, [name]: 'job-run-0001' } };
}

describe('intent documents: the run they belong to', () => {
  it('the writer stores the run id under one of the two names the reader knows', () => {
    const doc = written();
    expect(doc.data.run ?? doc.data.runId).toBe('job-run-0001');
    expect(parseIntent(doc.path, doc.data).runId).toBe('job-run-0001');
  });

  it('reads runId, the name the run document and the code use', () => {
    const { path, data } = stored('runId');
    expect(parseIntent(path, data)).toMatchObject({
      runId: 'job-run-0001',
      profileId: 'default',
      clientOrderId: 'qrb0001',
    });
  });

  it('reads `run`, the name every intent written so far (v1 and v2 ledgers) carries', () => {
    const { path, data } = stored('run');
    const intent = parseIntent(path, data);
    expect(intent.runId).toBe('job-run-0001');
    expect(intent).not.toHaveProperty('run');
  });

  it('with both names, runId wins', () => {
    const { path, data } = stored('runId');
    expect(parseIntent(path, { ...data, run: 'older-name' }).runId).toBe('job-run-0001');
  });

  it('with neither, refuses the document, naming the field and the document', () => {
    const { path, data } = stored(null);
    expect(() => parseIntent(path, data)).toThrow(
      expect.objectContaining({ code: 'ledger.bad_document', message: expect.stringContaining(path) }),
    );
    expect(() => parseIntent(path, data)).toThrow(/invalid field runId/);
  });
});
