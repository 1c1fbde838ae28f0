import { createHmac } from 'node:crypto';

/** Test-only MEXC caller: signs like the docs say, so tests can also sign wrongly on purpose. */
export interface CallOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  params?: Record<string, string | number>;
  signed?: boolean;
  /** Override parts of the signed request to provoke errors. */
  secret?: string;
  apiKey?: string | null;
  timestamp?: number;
  recvWindow?: number;
  contentType?: string | null;
  body?: string;
}

export interface CallResult {
  status: number;
  body: unknown;
  headers: Headers;
}

export function sign(secret: string, totalParams: string): string {
  return createHmac('sha256', secret).update(totalParams).digest('hex');
}

export function makeCaller(baseUrl: string, apiKey: string, apiSecret: string) {
  return async function call(path: string, options: CallOptions = {}): Promise<CallResult> {
    const method = options.method ?? 'GET';
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(options.params ?? {})) query.set(name, String(value));
    const headers: Record<string, string> = {};
    if (options.signed ?? true) {
      query.set('timestamp', String(options.timestamp ?? Date.now()));
      if (options.recvWindow !== undefined) query.set('recvWindow', String(options.recvWindow));
      const signature = sign(options.secret ?? apiSecret, query.toString() + (options.body ?? ''));
      query.set('signature', signature);
      if (options.apiKey !== null) headers['X-MEXC-APIKEY'] = options.apiKey ?? apiKey;
    }
    if (options.contentType !== null && method !== 'GET')
      headers['Content-Type'] = options.contentType ?? 'application/json';
    const qs = query.toString();
    const response = await fetch(`${baseUrl}${path}${qs ? `?${qs}` : ''}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: options.body }),
    });
    const text = await response.text();
    // a WAF page (403) is HTML: handed back as text
    const json = (response.headers.get('content-type') ?? '').includes('json');
    return {
      status: response.status,
      body: text === '' ? undefined : json ? JSON.parse(text) : text,
      headers: response.headers,
    };
  };
}
