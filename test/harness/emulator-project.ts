import { clearFirestoreEmulator } from '../../scripts/lib/firestore-emulator';

// Each jest worker gets its own emulator project, so clearing it between files never
// wipes data that a file running in another worker is using.
const host = process.env.FIRESTORE_EMULATOR_HOST;
if (!host || !/^(127\.0\.0\.1|localhost|\[::1\]):\d+$/.test(host)) {
  throw new Error(`FIRESTORE_EMULATOR_HOST must be a loopback emulator in tests, got ${host ?? 'nothing'}`);
}
const projectId = `demo-qrl-rebalancer-w${process.env.JEST_WORKER_ID ?? '1'}`;
process.env.GOOGLE_CLOUD_PROJECT = projectId;
process.env.GCLOUD_PROJECT = projectId;

beforeAll(() => clearFirestoreEmulator(host, projectId));
afterAll(() => clearFirestoreEmulator(host, projectId));
