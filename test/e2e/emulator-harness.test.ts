import { Firestore } from '@google-cloud/firestore';

// Proves the harness: the real emulator is up, this worker has its own project, and data is cleared between files.
describe('Firestore emulator harness', () => {
  it('talks to the emulator on loopback under a demo project', async () => {
    expect(process.env.FIRESTORE_EMULATOR_HOST).toMatch(/^127\.0\.0\.1:\d+$/);
    const projectId = process.env.GOOGLE_CLOUD_PROJECT ?? '';
    expect(projectId).toMatch(/^demo-qrl-rebalancer-w\d+$/);
    const db = new Firestore({ projectId });
    const ref = db.collection('harness').doc('probe');
    await ref.create({ at: 1 });
    await expect(ref.create({ at: 2 })).rejects.toThrow(/ALREADY_EXISTS/);
    expect((await ref.get()).data()).toEqual({ at: 1 });
    await db.terminate();
  });
});
