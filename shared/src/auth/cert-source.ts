import { createPublicKey } from 'node:crypto';
import * as v from 'valibot';
import type { Clock } from '../ports/clock';
import { systemClock } from '../ports/clock';

/**
 * Google's signing certs (`{kid: PEM}` from OIDC_CERTS_URL), cached per instance for as long as the
 * response's Cache-Control max-age says. A token naming a kid we do not hold triggers one early
 * refresh (Google publishes a new key before using it, but an instance may hold an old copy), at
 * most once per `minRefreshIntervalMs`, so random kids cannot turn us into a fetch amplifier.
 */
export type Certs = Readonly<Record<string, string>>;

export type FetchLike = (url: string, init: { signal: AbortSignal }) => Promise<Response>;

export interface CertSourceOptions {
  url: string;
  fetch?: FetchLike;
  clock?: Clock;
  timeoutMs?: number;
  minRefreshIntervalMs?: number;
}

export interface CertSource {
  /** cached certs, fetched when the cache is empty or expired; throws CertFetchError */
  get(): Promise<Certs>;
  /** certs containing `kid` if the issuer publishes it, refreshing early at most once per interval */
  forKid(kid: string): Promise<{ certs: Certs; pem: string | undefined }>;
}

/** Why the certs could not be had; the message names the URL and status only. */
export class CertFetchError extends Error {}

const pem = v.pipe(
  v.string(),
  v.regex(/^-----BEGIN (CERTIFICATE|PUBLIC KEY)-----\r?\n[A-Za-z0-9+/=\r\n]+-----END \1-----\s*$/, 'not a PEM'),
  v.check((value) => {
    try {
      return createPublicKey(value).asymmetricKeyType === 'rsa';
    } catch {
      return false;
    }
  }, 'not an RSA key'),
);
const certsSchema = v.pipe(v.record(v.pipe(v.string(), v.regex(/^[A-Za-z0-9._-]{1,128}$/)), pem), v.minEntries(1));

export function parseMaxAgeS(cacheControl: string | null): number {
  if (!cacheControl || /(^|,)\s*(no-store|no-cache)\b/i.test(cacheControl)) return 0;
  const match = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?/i.exec(cacheControl);
  return match?.[1] ? Number(match[1]) : 0;
}

export function createCertSource(options: CertSourceOptions): CertSource {
  const doFetch: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const minRefreshIntervalMs = options.minRefreshIntervalMs ?? 60_000;

  let cached: { certs: Certs; expiresAt: number; fetchedAt: number } | undefined;
  let inFlight: Promise<Certs> | undefined;

  const load = async (): Promise<Certs> => {
    let response: Response;
    try {
      response = await doFetch(options.url, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const why = error instanceof Error ? error.name : 'error';
      throw new CertFetchError(`GET ${options.url} failed (${why})`);
    }
    if (!response.ok) throw new CertFetchError(`GET ${options.url} answered HTTP ${response.status}`);
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new CertFetchError(`GET ${options.url} did not answer JSON`);
    }
    const parsed = v.safeParse(certsSchema, body);
    if (!parsed.success) {
      const where = v.getDotPath(parsed.issues[0]) ?? 'body';
      throw new CertFetchError(
        `GET ${options.url} answered no usable {kid: PEM} map (${where}: ${parsed.issues[0].message})`,
      );
    }
    const now = clock.now().getTime();
    cached = {
      certs: parsed.output,
      fetchedAt: now,
      expiresAt: now + parseMaxAgeS(response.headers.get('cache-control')) * 1000,
    };
    return parsed.output;
  };

  // Concurrent requests on a cold instance share one fetch.
  const refresh = (): Promise<Certs> => {
    inFlight ??= load().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  const get = async (): Promise<Certs> => {
    if (cached && clock.now().getTime() < cached.expiresAt) return cached.certs;
    return refresh();
  };

  return {
    get,
    async forKid(kid) {
      let certs = await get();
      const fetchedAt = cached?.fetchedAt ?? 0;
      if (!Object.hasOwn(certs, kid) && clock.now().getTime() - fetchedAt >= minRefreshIntervalMs) {
        certs = await refresh();
      }
      return { certs, pem: Object.hasOwn(certs, kid) ? certs[kid] : undefined };
    },
  };
}
