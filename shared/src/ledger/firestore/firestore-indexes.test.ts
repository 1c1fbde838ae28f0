import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The emulator ignores index and TTL configuration, so only this file keeps production in step.
const file = join(__dirname, '..', '..', '..', '..', 'infra', 'firestore', 'firestore.indexes.json');
const config = JSON.parse(readFileSync(file, 'utf8')) as {
  indexes: unknown[];
  fieldOverrides: { collectionGroup: string; fieldPath: string; ttl?: boolean; indexes: unknown[] }[];
};

describe('infra/firestore/firestore.indexes.json', () => {
  it('puts a TTL policy on expireAt of every collection whose documents carry it', () => {
    const ttl = config.fieldOverrides.filter((o) => o.ttl).map((o) => `${o.collectionGroup}.${o.fieldPath}`);
    expect(ttl.sort()).toEqual(['orders.expireAt', 'runs.expireAt', 'snapshots.expireAt']);
  });

  it('needs no composite index: the ledger reads documents by path and lists one run’s orders only', () => {
    expect(config.indexes).toEqual([]);
    for (const override of config.fieldOverrides) expect(override.indexes).toEqual([]);
  });
});
