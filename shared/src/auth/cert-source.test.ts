import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type LocalOidc, startLocalOidc } from '../../../scripts/lib/local-oidc';
import type { Clock } from '../ports/clock';
import { CertFetchError, createCertSource, parseMaxAgeS } from './cert-source';

function manualClock(start = Date.parse('2024-05-01T10:00:00Z')): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => new Date(now), advance: (ms) => (now += ms) };
}

/** A loopback server that answers whatever the test sets, for the bodies Google never sends. */
async function rawServer(): Promise<{ url: string; set(status: number, body: string): void; close(): Promise<void> }> {
  let answer = { status: 200, body: '{}' };
  const server = createServer((_req, res) =>
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body),
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/certs`,
    set: (status, body) => {
      answer = { status, body };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('parseMaxAgeS', () => {
  it.each([
    ['public, max-age=19958, must-revalidate, no-transform', 19958],
    ['max-age=0', 0],
    ['no-cache, max-age=600', 0],
    ['no-store', 0],
    [null, 0],
    ['private', 0],
  ])('%s → %d', (header, expected) => {
    expect(parseMaxAgeS(header)).toBe(expected);
  });
});

describe('createCertSource against a loopback certs server', () => {
  let oidc: LocalOidc;
  beforeEach(async () => {
    oidc = await startLocalOidc({ maxAgeS: 600 });
  });
  afterEach(async () => {
    await oidc.close();
  });

  it('caches for max-age and fetches again once it has passed', async () => {
    const clock = manualClock();
    const source = createCertSource({ url: oidc.certsUrl, clock });
    expect(Object.keys(await source.get())).toEqual([oidc.key.kid]);
    clock.advance(599_000);
    await source.get();
    expect(oidc.fetchCount).toBe(1);
    clock.advance(2_000);
    await source.get();
    expect(oidc.fetchCount).toBe(2);
  });

  it('shares one fetch between concurrent cold requests', async () => {
    const source = createCertSource({ url: oidc.certsUrl, clock: manualClock() });
    await Promise.all([source.get(), source.get(), source.get()]);
    expect(oidc.fetchCount).toBe(1);
  });

  it('picks up a rotated key early, but refreshes for unknown kids at most once per interval', async () => {
    const clock = manualClock();
    const source = createCertSource({ url: oidc.certsUrl, clock, minRefreshIntervalMs: 60_000 });
    await source.get();
    const rotated = oidc.addKey('rotated-key');

    expect((await source.forKid(rotated.kid)).pem).toBeUndefined(); // fetched just now: no second fetch
    expect(oidc.fetchCount).toBe(1);

    clock.advance(61_000);
    expect((await source.forKid(rotated.kid)).pem).toBe(rotated.publicKeyPem);
    expect(oidc.fetchCount).toBe(2);

    expect((await source.forKid('random-kid')).pem).toBeUndefined();
    expect((await source.forKid('another-random-kid')).pem).toBeUndefined();
    expect(oidc.fetchCount).toBe(2);
  });
});

describe('createCertSource refuses what it cannot use', () => {
  it.each([
    ['an HTTP error', 500, '{}', /HTTP 500/],
    ['a body that is not JSON', 200, '<html>', /did not answer JSON/],
    ['an empty map', 200, '{}', /no usable/],
    ['a value that is not PEM', 200, '{"k1":"hello"}', /not a PEM/],
    [
      'a key that is not RSA',
      200,
      JSON.stringify({
        k1: generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }),
      }),
      /not an RSA key/,
    ],
  ])('%s', async (_name, status, body, message) => {
    const server = await rawServer();
    try {
      server.set(status, body);
      const source = createCertSource({ url: server.url, clock: manualClock() });
      await expect(source.get()).rejects.toThrow(CertFetchError);
      await expect(source.get()).rejects.toThrow(message);
    } finally {
      await server.close();
    }
  });
});
