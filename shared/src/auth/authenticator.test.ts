import { freePort } from '../../../scripts/lib/free-port';
import {
  forgeAlgNone,
  forgeHs256WithPublicKey,
  type LocalOidc,
  signWithUnknownKid,
  startLocalOidc,
  stripSignature,
  tamperPayload,
} from '../../../scripts/lib/local-oidc';
import type { AuthMode } from '../config/config';
import { createLogger } from '../observability/logger';
import { AuthError } from './auth-error';
import { type AuthResult, createAuthenticator } from './authenticator';
import type { HeaderBag } from './bearer-token';
import { GCLOUD_CLIENT_ID } from './claims';

const AUD = 'https://rebalance-abc123-ew.a.run.app';
const ALLOWED = 'scheduler@demo-qrl.iam.gserviceaccount.com';
const OTHER = 'intruder@demo-qrl.iam.gserviceaccount.com';
const LOOPBACK_EXCHANGE = 'http://127.0.0.1:9090';

let oidc: LocalOidc;
let logLines: string[];

beforeAll(async () => {
  oidc = await startLocalOidc({ maxAgeS: 3600 });
});
afterAll(async () => {
  await oidc.close();
});
beforeEach(() => {
  logLines = [];
});

function authenticator(mode: AuthMode = 'verify', exchangeBaseUrl = LOOPBACK_EXCHANGE, certsUrl = oidc.certsUrl) {
  return createAuthenticator(
    { mode, audience: AUD, allowedEmails: [ALLOWED], certsUrl },
    { exchangeBaseUrl, logger: createLogger('debug', (line) => logLines.push(line)) },
  );
}

const nowS = () => Math.floor(Date.now() / 1000);
const bearer = (token: string): HeaderBag => ({ authorization: `Bearer ${token}` });
const valid = (claims: Record<string, unknown> = {}) => oidc.signIdToken({ aud: AUD, email: ALLOWED, ...claims });

/** Neither the token nor any of its parts may show up in what an operator or a caller sees. */
function expectNoLeak(result: AuthResult, token: string | undefined): void {
  if (!token) return;
  const parts = token.split('.').filter((p) => p.length >= 16);
  const seen = [...logLines];
  if (!result.ok) {
    seen.push(
      result.error.message,
      result.error.reason,
      JSON.stringify(result.error.toJSON()),
      result.error.stack ?? '',
    );
  }
  for (const text of seen) {
    expect(text).not.toContain(token);
    for (const part of parts) expect(text).not.toContain(part);
  }
}

function expectRefused(result: AuthResult, status: number, code: string): AuthError {
  if (result.ok) throw new Error(`expected ${code}, got a caller`);
  expect(result.error).toBeInstanceOf(AuthError);
  expect({ status: result.error.status, code: result.error.code }).toEqual({ status, code });
  expect(result.error.reason).toMatch(new RegExp(`^${code.replace('.', '\\.')}: .+`));
  return result.error;
}

describe('verify mode: the attack table', () => {
  interface Row {
    name: string;
    headers: () => HeaderBag;
    status: 401 | 403;
    code: string;
  }
  const rows: Row[] = [
    { name: 'no token', headers: () => ({}), status: 401, code: 'auth.missing_token' },
    { name: 'empty Authorization', headers: () => ({ authorization: '' }), status: 401, code: 'auth.missing_token' },
    {
      name: 'not a Bearer scheme',
      headers: () => ({ authorization: `Basic ${valid()}` }),
      status: 401,
      code: 'auth.malformed_token',
    },
    { name: 'malformed: one segment', headers: () => bearer('not-a-jwt'), status: 401, code: 'auth.malformed_token' },
    {
      name: 'malformed: segments that are not JSON',
      headers: () => bearer('aGVsbG8.d29ybGQ.c2lnbmF0dXJlc2lnbmF0dXJl'),
      status: 401,
      code: 'auth.malformed_token',
    },
    {
      name: 'malformed: repeated Authorization header',
      headers: () => ({ authorization: [`Bearer ${valid()}`, `Bearer ${valid()}`] }),
      status: 401,
      code: 'auth.malformed_token',
    },
    {
      name: 'alg none',
      headers: () => bearer(forgeAlgNone({ aud: AUD, email: ALLOWED }, oidc.key.kid)),
      status: 401,
      code: 'auth.bad_algorithm',
    },
    {
      name: 'HS256 signed with the public key',
      headers: () => bearer(forgeHs256WithPublicKey({ aud: AUD, email: ALLOWED }, oidc.key)),
      status: 401,
      code: 'auth.bad_algorithm',
    },
    {
      name: 'tampered payload (an outsider makes itself the allowed caller)',
      headers: () => bearer(tamperPayload(valid({ email: OTHER }), { email: ALLOWED })),
      status: 401,
      code: 'auth.bad_signature',
    },
    {
      name: 'tampered payload (a lifetime extended)',
      headers: () => bearer(tamperPayload(valid(), { exp: nowS() + 7200 })),
      status: 401,
      code: 'auth.bad_signature',
    },
    {
      name: 'signature removed by Cloud Run (needs platform-verified)',
      headers: () => bearer(stripSignature(valid())),
      status: 401,
      code: 'auth.missing_signature',
    },
    {
      name: 'signature emptied',
      headers: () => bearer(stripSignature(valid(), '')),
      status: 401,
      code: 'auth.missing_signature',
    },
    {
      name: 'wrong aud',
      headers: () => bearer(valid({ aud: 'https://other-service-ew.a.run.app' })),
      status: 401,
      code: 'auth.wrong_audience',
    },
    {
      name: 'audience with an extra path',
      headers: () => bearer(valid({ aud: `${AUD}/extra` })),
      status: 401,
      code: 'auth.wrong_audience',
    },
    {
      name: 'audience as a list',
      headers: () => bearer(valid({ aud: [AUD] })),
      status: 401,
      code: 'auth.wrong_audience',
    },
    {
      name: 'wrong iss',
      headers: () => bearer(valid({ iss: 'https://evil.example.com' })),
      status: 401,
      code: 'auth.wrong_issuer',
    },
    {
      name: 'expired (beyond the 5 min skew)',
      headers: () => bearer(valid({ iat: nowS() - 7200, exp: nowS() - 3600 })),
      status: 401,
      code: 'auth.expired',
    },
    {
      name: 'not yet valid (iat in the future)',
      headers: () => bearer(valid({ iat: nowS() + 3600, exp: nowS() + 7200 })),
      status: 401,
      code: 'auth.not_yet_valid',
    },
    {
      name: 'not yet valid (nbf in the future)',
      headers: () => bearer(valid({ nbf: nowS() + 3600 })),
      status: 401,
      code: 'auth.not_yet_valid',
    },
    {
      name: 'unknown kid',
      headers: () => bearer(signWithUnknownKid({ aud: AUD, email: ALLOWED })),
      status: 401,
      code: 'auth.unknown_kid',
    },
    {
      name: 'known key, kid not published',
      headers: () => bearer(oidc.signIdToken({ aud: AUD, email: ALLOWED }, { kid: 'not-published' })),
      status: 401,
      code: 'auth.unknown_kid',
    },
    {
      name: 'no kid',
      headers: () => bearer(oidc.signIdToken({ aud: AUD, email: ALLOWED }, { kid: undefined })),
      status: 401,
      code: 'auth.unknown_kid',
    },
    {
      name: 'missing email claim',
      headers: () => bearer(valid({ email: undefined })),
      status: 401,
      code: 'auth.bad_claims',
    },
    {
      name: 'email not allowed',
      headers: () => bearer(valid({ email: OTHER })),
      status: 403,
      code: 'auth.email_not_allowed',
    },
    {
      name: 'email_verified false',
      headers: () => bearer(valid({ email_verified: false })),
      status: 403,
      code: 'auth.email_unverified',
    },
    {
      name: 'email_verified as the string "true"',
      headers: () => bearer(valid({ email_verified: 'true' })),
      status: 403,
      code: 'auth.email_unverified',
    },
    {
      name: 'X-Serverless-Authorization wins: a forged token there is refused even beside a valid Authorization',
      headers: () => ({ ...bearer(valid()), 'x-serverless-authorization': `Bearer ${valid({ aud: `${AUD}/x` })}` }),
      status: 401,
      code: 'auth.wrong_audience',
    },
  ];

  it.each(rows)('$name → $status $code', async ({ headers, status, code }) => {
    const h = headers();
    const result = await authenticator().authenticate(h);
    const error = expectRefused(result, status, code);
    expect(error.retryable).toBe(false);
    const raw = h.authorization ?? h['x-serverless-authorization'];
    const token = typeof raw === 'string' ? raw.replace(/^\S+\s+/, '') : undefined;
    expectNoLeak(result, token);
    // one log line per refusal, with the code and without the token
    const refused = logLines.map((l) => JSON.parse(l)).filter((e) => e.message === 'auth.refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ severity: 'WARNING', code, status });
  });
});

describe('verify mode: accepted callers', () => {
  it('accepts a Google-shaped token in Authorization: Bearer and returns the caller', async () => {
    const iat = nowS();
    const token = valid({ iat, exp: iat + 3600, sub: '1234567890' });
    const result = await authenticator().authenticate(bearer(token));
    if (!result.ok) throw new Error(result.error.reason);
    expect(result.caller).toMatchObject({ email: ALLOWED, sub: '1234567890', iat, exp: iat + 3600, mode: 'verify' });
    expect(result.caller.header).toBe('authorization');
    expectNoLeak(result, token);
  });

  it('accepts the token in X-Serverless-Authorization, which wins over Authorization', async () => {
    const token = valid();
    const result = await authenticator().authenticate({
      'x-serverless-authorization': `Bearer ${token}`,
      authorization: 'Bearer app-specific-credential',
    });
    if (!result.ok) throw new Error(result.error.reason);
    expect(result.caller.header).toBe('x-serverless-authorization');
  });

  it('accepts the other issuer spelling, a lower-case scheme, an upper-case e-mail and a token 4 min past exp', async () => {
    const token = valid({
      iss: 'accounts.google.com',
      email: ALLOWED.toUpperCase(),
      iat: nowS() - 3840,
      exp: nowS() - 240,
    });
    const result = await authenticator().authenticate({ Authorization: `bearer ${token}` });
    expect(result.ok).toBe(true);
  });

  it('fetches the certs once per max-age, not once per request', async () => {
    const auth = authenticator();
    const before = oidc.fetchCount;
    const results = await Promise.all([1, 2, 3].map(() => auth.authenticate(bearer(valid()))));
    await auth.authenticate(bearer(valid()));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(oidc.fetchCount - before).toBe(1);
  });

  it('answers 503 (retryable) when the certs cannot be fetched, without the token', async () => {
    const deadUrl = `http://127.0.0.1:${await freePort()}/oauth2/v1/certs`;
    const token = valid();
    const result = await authenticator('verify', LOOPBACK_EXCHANGE, deadUrl).authenticate(bearer(token));
    const error = expectRefused(result, 503, 'auth.certs_unavailable');
    expect(error.retryable).toBe(true);
    expectNoLeak(result, token);
  });
});

describe('platform-verified mode (Cloud Run IAM checked and stripped the signature)', () => {
  it.each([
    ['authorization', 'SIGNATURE_REMOVED_BY_GOOGLE'],
    ['x-serverless-authorization', 'SIGNATURE_REMOVED_BY_GOOGLE'],
    ['x-serverless-authorization', ''],
  ])('accepts the stripped token Cloud Run forwards in %s (signature %j)', async (header, marker) => {
    const token = stripSignature(valid(), marker);
    const result = await authenticator('platform-verified').authenticate({ [header]: `Bearer ${token}` });
    if (!result.ok) throw new Error(result.error.reason);
    expect(result.caller).toMatchObject({ email: ALLOWED, mode: 'platform-verified', header });
  });

  it('verifies a signature that is still there: never weaker than verify', async () => {
    const auth = authenticator('platform-verified');
    expect((await auth.authenticate(bearer(valid()))).ok).toBe(true);
    const tampered = tamperPayload(valid({ email: OTHER }), { email: ALLOWED });
    expectRefused(await auth.authenticate(bearer(tampered)), 401, 'auth.bad_signature');
    const unknownKid = signWithUnknownKid({ aud: AUD, email: ALLOWED });
    expectRefused(await auth.authenticate(bearer(unknownKid)), 401, 'auth.unknown_kid');
  });

  it.each([
    { name: 'wrong aud', claims: { aud: `${AUD}/extra` }, status: 401, code: 'auth.wrong_audience' },
    { name: 'wrong iss', claims: { iss: 'https://evil.example.com' }, status: 401, code: 'auth.wrong_issuer' },
    { name: 'expired', claims: { iat: nowS() - 7200, exp: nowS() - 3600 }, status: 401, code: 'auth.expired' },
    { name: 'email not allowed', claims: { email: OTHER }, status: 403, code: 'auth.email_not_allowed' },
    { name: 'email_verified false', claims: { email_verified: false }, status: 403, code: 'auth.email_unverified' },
  ])('still checks claims: $name → $status $code', async ({ claims, status, code }) => {
    const token = stripSignature(valid(claims));
    const result = await authenticator('platform-verified').authenticate(bearer(token));
    expectRefused(result, status, code);
    expectNoLeak(result, token);
  });

  it('refuses alg none and a missing token', async () => {
    const none = forgeAlgNone({ aud: AUD, email: ALLOWED });
    expectRefused(await authenticator('platform-verified').authenticate(bearer(none)), 401, 'auth.bad_algorithm');
    expectRefused(await authenticator('platform-verified').authenticate({}), 401, 'auth.missing_token');
  });
});

describe('none mode', () => {
  it('lets every call through while the exchange URL is loopback', async () => {
    const result = await authenticator('none', 'http://localhost:9090').authenticate({});
    expect(result.ok && result.caller.mode).toBe('none');
  });

  it('refuses a valid token with 403 when the exchange URL is not loopback, and says so at creation', async () => {
    const auth = authenticator('none', 'https://api.mexc.com');
    const startup = logLines.map((l) => JSON.parse(l));
    expect(startup).toEqual([expect.objectContaining({ severity: 'ERROR', message: 'auth.none_refused' })]);
    const token = valid();
    const result = await auth.authenticate(bearer(token));
    expectRefused(result, 403, 'auth.none_refused');
    expectNoLeak(result, token);
  });
});

describe('people calling with gcloud (OIDC_GCLOUD_USER_EMAILS)', () => {
  const PERSON = 'alice@example.com';
  // what `gcloud auth print-identity-token` / `gcloud functions call` send for a user account
  const gcloudToken = (email = PERSON) =>
    oidc.signIdToken({ aud: GCLOUD_CLIENT_ID, azp: GCLOUD_CLIENT_ID, email, sub: '1077' });
  const withPeople = (mode: AuthMode, people: string[]) =>
    createAuthenticator(
      {
        mode,
        audience: AUD,
        allowedEmails: [ALLOWED, PERSON, 'bob@example.com'],
        gcloudUserEmails: people,
        certsUrl: oidc.certsUrl,
      },
      { exchangeBaseUrl: LOOPBACK_EXCHANGE, logger: createLogger('debug', (line) => logLines.push(line)) },
    );

  it('accepts a listed person with gcloud’s audience and names them as the caller (verify and platform-verified)', async () => {
    for (const [mode, token] of [
      ['verify', gcloudToken()],
      ['platform-verified', stripSignature(gcloudToken())],
    ] as const) {
      const result = await withPeople(mode, [PERSON]).authenticate(bearer(token));
      expect(result.ok && result.caller.email).toBe(PERSON);
    }
  });

  it('refuses gcloud’s audience for anyone not listed for it, even if allowed (401: the token is for another audience)', async () => {
    expectRefused(
      await withPeople('verify', [PERSON]).authenticate(bearer(gcloudToken('bob@example.com'))),
      401,
      'auth.wrong_audience',
    );
    expectRefused(await withPeople('verify', []).authenticate(bearer(gcloudToken())), 401, 'auth.wrong_audience');
    expectRefused(await authenticator().authenticate(bearer(gcloudToken(ALLOWED))), 401, 'auth.wrong_audience');
  });

  it('still checks the signature, the issuer and the expiry of such a token', async () => {
    const forged = tamperPayload(gcloudToken('bob@example.com'), { email: PERSON });
    expectRefused(await withPeople('verify', [PERSON]).authenticate(bearer(forged)), 401, 'auth.bad_signature');
    const foreign = oidc.signIdToken({ aud: GCLOUD_CLIENT_ID, email: PERSON, iss: 'https://evil.example.com' });
    expectRefused(await withPeople('verify', [PERSON]).authenticate(bearer(foreign)), 401, 'auth.wrong_issuer');
    const old = oidc.signIdToken({ aud: GCLOUD_CLIENT_ID, email: PERSON, iat: nowS() - 7200, exp: nowS() - 3600 });
    expectRefused(await withPeople('verify', [PERSON]).authenticate(bearer(old)), 401, 'auth.expired');
  });

  it('leaves the function-audience path as it was for the same person', async () => {
    const result = await withPeople('verify', [PERSON]).authenticate(bearer(valid({ email: PERSON })));
    expect(result.ok && result.caller.email).toBe(PERSON);
  });
});
