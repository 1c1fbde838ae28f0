import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readKeptLedger } from '../../scripts/lib/kept-ledger';
import { callFunction, scheduleTimeNow, startLocalStack } from '../../scripts/lib/local-stack';
import { runRuns } from '../../scripts/runs/cli';
import { ensureBundles } from '../harness/bundles';

/**
 * What `npm start` leaves: a stack that started its own emulator exports it to `<local>/ledger/` when
 * it stops, and `npm run runs` reads that export later, with no emulator running.
 */
describe('the ledger a local stack keeps', () => {
  it('is exported when the stack stops, and npm run runs reads it afterwards', async () => {
    await ensureBundles();
    // a fresh clone has no .local/ yet
    const root = resolve(__dirname, '..', '..', '.local');
    mkdirSync(root, { recursive: true });
    const local = mkdtempSync(join(root, 'kept-'));
    try {
      const stack = await startLocalStack({
        functions: ['rebalance'],
        ledger: 'firestore',
        projectId: 'demo-qrl-rebalancer-kept',
        keepLedgerIn: join(local, 'ledger'),
        say: () => undefined,
      });
      let executionId: unknown;
      try {
        const answer = await callFunction(stack.url('rebalance'), {
          token: stack.token('rebalance'),
          scheduleTime: scheduleTimeNow(),
        });
        expect(answer.status).toBe(200);
        executionId = answer.json?.executionId;
      } finally {
        await stack.stop();
      }
      expect(stack.kept?.projectId).toBe('demo-qrl-rebalancer-kept');
      expect(readKeptLedger(join(local, 'ledger'))?.importData).toMatch(/\.overall_export_metadata$/);

      const out: string[] = [];
      const err: string[] = [];
      const code = await runRuns([], { out: (t) => out.push(t), err: (t) => err.push(t), env: {}, localDir: local });
      expect({ code, err }).toMatchObject({ code: 0 });
      const rows = out.join('\n').split('\n').slice(1);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatch(new RegExp(`completed\\s+1 filled\\s+[\\d.]+ USDT.*${String(executionId)}$`));
    } finally {
      rmSync(local, { recursive: true, force: true });
    }
  }, 180_000);
});
