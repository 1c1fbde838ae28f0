import {
  DELETE_FIELD,
  DocAlreadyExistsError,
  DocConflictError,
  type DocStore,
} from '../../../shared/src/ledger/doc-store';
import { uniqueId } from './setup';

/**
 * What the ledger needs from a document store, shown by each adapter's store: all-or-nothing
 * commits, versions that an `update` can require, Firestore's merge semantics, serializable
 * transactions. The ledger's compare-and-set guarantees stand on these.
 */
export function describeDocStore(name: string, makeStore: () => DocStore): void {
  describe(`DocStore: ${name}`, () => {
    const at = new Date('2031-03-14T22:00:00.000Z');

    it('creates once: a second create of a path fails, and then nothing of its batch is written', async () => {
      const store = makeStore();
      const base = `ds-${uniqueId('c')}`;
      const [v1] = await store.commit([{ op: 'create', path: `${base}/a`, data: { n: 1, at } }]);
      await expect(
        store.commit([
          { op: 'create', path: `${base}/b`, data: { n: 2 } },
          { op: 'create', path: `${base}/a`, data: { n: 3 } },
        ]),
      ).rejects.toBeInstanceOf(DocAlreadyExistsError);
      expect(await store.getAll([`${base}/a`, `${base}/b`])).toEqual([{ data: { n: 1, at }, version: v1 }, null]);
    });

    it('applies an update only at the version it was given; a stale or missing document is a conflict, and nothing is written', async () => {
      const store = makeStore();
      const base = `ds-${uniqueId('u')}`;
      const [v1] = await store.commit([{ op: 'create', path: `${base}/a`, data: { n: 1, keep: 'yes' } }]);
      const [read] = await store.getAll([`${base}/a`]);
      expect(read?.version).toBe(v1);
      const [v2] = await store.commit([{ op: 'update', path: `${base}/a`, data: { n: 2 }, ifVersion: v1 as string }]);
      expect(v2).not.toBe(v1);
      expect(await store.getAll([`${base}/a`])).toEqual([{ data: { n: 2, keep: 'yes' }, version: v2 }]);

      // the version read before the last write: refused, together with the rest of its batch
      await expect(
        store.commit([
          { op: 'create', path: `${base}/b`, data: { n: 9 } },
          { op: 'update', path: `${base}/a`, data: { n: 3 }, ifVersion: v1 as string },
        ]),
      ).rejects.toBeInstanceOf(DocConflictError);
      await expect(
        store.commit([{ op: 'update', path: `${base}/missing`, data: { n: 1 }, ifVersion: v2 as string }]),
      ).rejects.toBeInstanceOf(DocConflictError);
      expect(await store.getAll([`${base}/a`, `${base}/b`, `${base}/missing`])).toEqual([
        { data: { n: 2, keep: 'yes' }, version: v2 },
        null,
        null,
      ]);
    });

    it('merges as Firestore does: nested maps key by key, an empty map or null replaces, DELETE_FIELD removes', async () => {
      const store = makeStore();
      const path = `ds-${uniqueId('m')}/a`;
      await store.commit([
        {
          op: 'merge',
          path,
          data: { lock: { owner: 'a', until: at }, open: { x: 'r1', y: 'r2' }, fees: { USDT: '1' }, keep: 'k' },
        },
      ]);
      await store.commit([
        { op: 'merge', path, data: { lock: { until: new Date(at.getTime() + 1) }, open: { x: DELETE_FIELD } } },
      ]);
      const [mid] = await store.getAll([path]);
      expect(mid?.data).toEqual({
        lock: { owner: 'a', until: new Date(at.getTime() + 1) },
        open: { y: 'r2' },
        fees: { USDT: '1' },
        keep: 'k',
      });
      await store.commit([
        {
          op: 'update',
          path,
          data: { lock: null, fees: {}, open: { y: DELETE_FIELD, z: 'r3' }, keep: DELETE_FIELD },
          ifVersion: mid?.version as string,
        },
      ]);
      expect((await store.getAll([path]))[0]?.data).toEqual({ lock: null, open: { z: 'r3' }, fees: {} });
    });

    it('lists the documents directly in one collection, not those below them', async () => {
      const store = makeStore();
      const base = `ds${uniqueId('l')}`;
      await store.commit([
        { op: 'create', path: `${base}/r1`, data: { id: 'r1' } },
        { op: 'create', path: `${base}/r1/orders/o1`, data: { id: 'o1' } },
        { op: 'create', path: `${base}/r1/orders/o2`, data: { id: 'o2' } },
        { op: 'create', path: `${base}/r2/orders/o3`, data: { id: 'o3' } },
      ]);
      expect((await store.list(`${base}/r1/orders`)).map((d) => d.id).sort()).toEqual(['o1', 'o2']);
      expect((await store.list(base)).map((d) => d.id)).toEqual(['r1']);
    });

    it('serializes transactions: 8 concurrent read-modify-writes of one counter all count', async () => {
      const store = makeStore();
      const path = `ds-${uniqueId('t')}/counter`;
      await store.commit([{ op: 'create', path, data: { n: 0 } }]);
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          store.transact(async (read) => {
            const n = Number((await read(path))?.n ?? 0);
            return { writes: [{ op: 'merge', path, data: { n: n + 1 } }], result: n + 1 };
          }),
        ),
      );
      expect(results.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect((await store.getAll([path]))[0]?.data).toEqual({ n: 8 });
    });
  });
}
