/**
 * A local stand-in for Google's ID-token issuer: RSA signing keys made with node:crypto, their
 * public keys served on loopback in the shape of https://www.googleapis.com/oauth2/v1/certs
 * (a JSON map kid → PEM, with Cache-Control), and RS256 ID tokens signed with them. The local
 * stack points OIDC_CERTS_URL here; tests also use the forging helpers to build the tokens an
 * attacker would send. Nothing here is used in production.
 */
import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign as rsaSign,
} from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const GOOGLE_ISSUER = 'https://accounts.google.com';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  /** SPKI PEM; Google serves X.509 certificates, which node:crypto cannot mint. Both verify the same. */
  publicKeyPem: string;
}

export type JwtHeader = Record<string, unknown>;
export type JwtPayload = Record<string, unknown>;

export interface IdTokenInput {
  aud: string;
  email: string;
  /** any claim to add, replace, or remove (set it to undefined) */
  [claim: string]: unknown;
}

export function generateSigningKey(kid: string = randomBytes(10).toString('hex')): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** Recreates a key from its PKCS#8 PEM, so a long-running local stack can keep one key across processes. */
export function signingKeyFromPem(kid: string, privateKeyPem: string): SigningKey {
  const privateKey = createPrivateKey(privateKeyPem);
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return { kid, privateKey, publicKeyPem };
}

export function base64url(input: string | Buffer): string {
  return Buffer.from(input).toString('base64url');
}

function encodeJson(value: unknown): string {
  return base64url(JSON.stringify(value));
}

/** Claims a Cloud Scheduler OIDC token carries, valid for an hour from now. */
export function defaultClaims(input: IdTokenInput, nowS: number = Math.floor(Date.now() / 1000)): JwtPayload {
  const claims: JwtPayload = {
    iss: GOOGLE_ISSUER,
    azp: '100000000000000000001',
    sub: '100000000000000000001',
    email_verified: true,
    iat: nowS,
    exp: nowS + 3600,
    ...input,
  };
  for (const [key, value] of Object.entries(claims)) if (value === undefined) delete claims[key];
  return claims;
}

/** RS256 over `header.payload`, exactly as Google signs ID tokens. */
export function signRs256(header: JwtHeader, payload: JwtPayload, privateKey: KeyObject): string {
  const signingInput = `${encodeJson(header)}.${encodeJson(payload)}`;
  const signature = rsaSign('RSA-SHA256', Buffer.from(signingInput), privateKey);
  return `${signingInput}.${base64url(signature)}`;
}

export function signIdTokenWith(key: SigningKey, input: IdTokenInput, header: JwtHeader = {}): string {
  return signRs256({ alg: 'RS256', kid: key.kid, typ: 'JWT', ...header }, defaultClaims(input), key.privateKey);
}

// --- forged tokens: what an attacker sends -------------------------------------------------------

/** `alg: none` with an empty signature: accepted by naive verifiers that trust the header. */
export function forgeAlgNone(input: IdTokenInput, kid?: string): string {
  return `${encodeJson({ alg: 'none', typ: 'JWT', ...(kid ? { kid } : {}) })}.${encodeJson(defaultClaims(input))}.`;
}

/** HS256 keyed with the public key PEM: accepted by verifiers that let the header pick the algorithm. */
export function forgeHs256WithPublicKey(input: IdTokenInput, key: Pick<SigningKey, 'kid' | 'publicKeyPem'>): string {
  const signingInput = `${encodeJson({ alg: 'HS256', kid: key.kid, typ: 'JWT' })}.${encodeJson(defaultClaims(input))}`;
  const mac = createHmac('sha256', key.publicKeyPem).update(signingInput).digest();
  return `${signingInput}.${base64url(mac)}`;
}

/** A genuinely signed token whose payload was edited afterwards (claims merged over the original). */
export function tamperPayload(token: string, patch: JwtPayload): string {
  const [header, payload, signature] = token.split('.');
  if (header === undefined || payload === undefined || signature === undefined) throw new Error('not a JWT');
  const claims = { ...JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')), ...patch };
  return `${header}.${encodeJson(claims)}.${signature}`;
}

/** Signed with a fresh key whose kid the certs server does not list. */
export function signWithUnknownKid(input: IdTokenInput): string {
  return signIdTokenWith(generateSigningKey(`unknown-${randomBytes(4).toString('hex')}`), input);
}

/**
 * What a private Cloud Run service receives after its IAM check accepted the token (in Authorization
 * or X-Serverless-Authorization): the signature replaced by a marker, or, with `marker: ''`, emptied.
 */
export function stripSignature(token: string, marker = 'SIGNATURE_REMOVED_BY_GOOGLE'): string {
  const [header, payload] = token.split('.');
  return `${header}.${payload}.${marker}`;
}

// --- the certs server ----------------------------------------------------------------------------

export interface LocalOidc {
  /** the URL to put in OIDC_CERTS_URL */
  readonly certsUrl: string;
  /** the key tokens are signed with unless `kid` says otherwise */
  readonly key: SigningKey;
  /** an ID token signed by the current key; header fields override (e.g. a different kid) */
  signIdToken(input: IdTokenInput, header?: JwtHeader): string;
  /** adds a key to the served set (key rotation) and returns it */
  addKey(kid?: string): SigningKey;
  /** removes a key from the served set */
  removeKey(kid: string): void;
  /** how many times the certs were fetched (lets tests see the cache work) */
  readonly fetchCount: number;
  close(): Promise<void>;
}

export interface LocalOidcOptions {
  /** Cache-Control max-age the server sends; Google sends several hours */
  maxAgeS?: number;
  /** 0 (default) picks a free port */
  port?: number;
  /** reuse a key (e.g. `npm run dev` keeps one across restarts) */
  key?: SigningKey;
}

export async function startLocalOidc(options: LocalOidcOptions = {}): Promise<LocalOidc> {
  const first = options.key ?? generateSigningKey();
  const keys = new Map<string, SigningKey>([[first.kid, first]]);
  let fetchCount = 0;

  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== '/oauth2/v1/certs') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
      return;
    }
    fetchCount += 1;
    const body = Object.fromEntries([...keys.values()].map((k) => [k.kid, k.publicKeyPem]));
    res
      .writeHead(200, {
        'content-type': 'application/json; charset=UTF-8',
        'cache-control': `public, max-age=${options.maxAgeS ?? 3600}, must-revalidate, no-transform`,
      })
      .end(JSON.stringify(body));
  });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    certsUrl: `http://127.0.0.1:${port}/oauth2/v1/certs`,
    key: first,
    signIdToken: (input, header = {}) => {
      const kid = typeof header.kid === 'string' ? header.kid : first.kid;
      const key = keys.get(kid) ?? first;
      return signRs256({ alg: 'RS256', kid: key.kid, typ: 'JWT', ...header }, defaultClaims(input), key.privateKey);
    },
    addKey: (kid) => {
      const key = generateSigningKey(kid);
      keys.set(key.kid, key);
      return key;
    },
    removeKey: (kid) => {
      keys.delete(kid);
    },
    get fetchCount() {
      return fetchCount;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
