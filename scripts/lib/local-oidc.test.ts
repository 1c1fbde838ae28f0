import { verify } from 'node:crypto';
import {
  defaultClaims,
  forgeAlgNone,
  forgeHs256WithPublicKey,
  generateSigningKey,
  type LocalOidc,
  signIdTokenWith,
  signingKeyFromPem,
  startLocalOidc,
  stripSignature,
  tamperPayload,
} from './local-oidc';

function decode(part: string | undefined): Record<string, unknown> {
  return JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
}

describe('local OIDC issuer', () => {
  let oidc: LocalOidc;
  beforeAll(async () => {
    oidc = await startLocalOidc({ maxAgeS: 120 });
  });
  afterAll(async () => {
    await oidc.close();
  });

  it('serves its public keys as a {kid: PEM} map with Cache-Control, like Google', async () => {
    const response = await fetch(oidc.certsUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toMatch(/max-age=120/);
    expect(await response.json()).toEqual({ [oidc.key.kid]: oidc.key.publicKeyPem });
    expect(new URL(oidc.certsUrl).hostname).toBe('127.0.0.1');
  });

  it('signs RS256 ID tokens that verify against the served key', () => {
    const token = oidc.signIdToken({ aud: 'https://fn.example', email: 'sa@demo.iam.gserviceaccount.com', sub: '42' });
    const [h, p, s] = token.split('.');
    expect(decode(h)).toEqual({ alg: 'RS256', kid: oidc.key.kid, typ: 'JWT' });
    const claims = decode(p);
    expect(claims).toMatchObject({
      iss: 'https://accounts.google.com',
      aud: 'https://fn.example',
      sub: '42',
      email_verified: true,
    });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);
    const ok = verify('RSA-SHA256', Buffer.from(`${h}.${p}`), oidc.key.publicKeyPem, Buffer.from(s ?? '', 'base64url'));
    expect(ok).toBe(true);
  });

  it('lets a test remove claims and override header fields', () => {
    const token = oidc.signIdToken({ aud: 'a', email: 'e@x.io', email_verified: undefined }, { typ: 'at+jwt' });
    const [h, p] = token.split('.');
    expect(decode(h).typ).toBe('at+jwt');
    expect(decode(p)).not.toHaveProperty('email_verified');
  });

  it('rotates keys: an added key is served and signs, a removed one is gone', async () => {
    const added = oidc.addKey('second');
    const token = oidc.signIdToken({ aud: 'a', email: 'e@x.io' }, { kid: 'second' });
    expect(decode(token.split('.')[0]).kid).toBe('second');
    const servedKids = async () => Object.keys((await (await fetch(oidc.certsUrl)).json()) as Record<string, string>);
    expect(await servedKids()).toEqual([oidc.key.kid, added.kid]);
    oidc.removeKey('second');
    expect(await servedKids()).toEqual([oidc.key.kid]);
  });

  it('answers 404 elsewhere', async () => {
    expect((await fetch(new URL('/other', oidc.certsUrl))).status).toBe(404);
  });
});

describe('forged tokens', () => {
  const key = generateSigningKey('k1');
  const input = { aud: 'a', email: 'e@x.io' };

  it('alg none has an empty signature', () => {
    const token = forgeAlgNone(input, 'k1');
    expect(decode(token.split('.')[0])).toMatchObject({ alg: 'none', kid: 'k1' });
    expect(token.endsWith('.')).toBe(true);
  });

  it('HS256 is an HMAC keyed with the public key PEM', () => {
    const token = forgeHs256WithPublicKey(input, key);
    expect(decode(token.split('.')[0])).toMatchObject({ alg: 'HS256', kid: 'k1' });
    expect(token.split('.')[2]).toHaveLength(43);
  });

  it('tampering keeps header and signature and changes the claims', () => {
    const original = signIdTokenWith(key, input);
    const tampered = tamperPayload(original, { email: 'admin@x.io' });
    const [h0, , s0] = original.split('.');
    const [h1, p1, s1] = tampered.split('.');
    expect([h1, s1]).toEqual([h0, s0]);
    expect(decode(p1).email).toBe('admin@x.io');
  });

  it('stripping replaces only the signature, as Cloud Run does', () => {
    const token = signIdTokenWith(key, input);
    const signedPart = token.split('.').slice(0, 2).join('.');
    expect(stripSignature(token)).toBe(`${signedPart}.SIGNATURE_REMOVED_BY_GOOGLE`);
    expect(stripSignature(token, '')).toBe(`${signedPart}.`);
  });

  it('a key survives a PEM round trip', () => {
    const pem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(signingKeyFromPem('k1', pem).publicKeyPem).toBe(key.publicKeyPem);
  });

  it('defaultClaims fills a Google-shaped token from now', () => {
    expect(defaultClaims(input, 1000)).toEqual({
      iss: 'https://accounts.google.com',
      azp: '100000000000000000001',
      sub: '100000000000000000001',
      email_verified: true,
      iat: 1000,
      exp: 4600,
      aud: 'a',
      email: 'e@x.io',
    });
  });
});
