import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AdminInputError, type AdminState, adminRoutes } from './admin-routes';
import { exchangeRoutes, type Params, type RouteContext } from './exchange-routes';
import { ERROR_FAULTS, type Fault } from './faults';
import { MexcError, mexcErrors, WAF_PAGE } from './mexc-errors';
import { signatureMatches, totalParamsOf } from './signing';

export interface ServerOptions extends AdminState {
  apiKey: string;
  apiSecret: string;
  requireContentType: boolean;
}

const maxBodyBytes = 1_000_000;
const recvWindowDefault = 5000;
const recvWindowMax = 60_000;

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** body is text to send as is (an HTML error page), not JSON */
  raw?: boolean;
  contentType?: string;
}

/** The HTTP face of the simulator: MEXC paths, the admin API under /__sim/, and fault injection. */
export function createSimulatorServer(options: ServerOptions): Server {
  const server = createServer((req, res) => {
    handle(options, req, res).catch((error: unknown) => {
      // A bug in the simulator must not look like an exchange answer a client could act on.
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) send(res, { status: 500, body: { simulatorBug: message } });
    });
  });
  server.keepAliveTimeout = 1000;
  return server;
}

async function handle(options: ServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const rawBody = await readBody(req);
  const url = req.url ?? '/';
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  const rawQuery = queryAt < 0 ? '' : url.slice(queryAt + 1);
  const method = (req.method ?? 'GET').toUpperCase();
  const endpoint = `${method} ${path}`;

  if (path.startsWith('/__sim/')) {
    send(res, handleAdmin(options, req, endpoint, rawQuery, rawBody));
    return;
  }

  options.requestCounts.set(endpoint, (options.requestCounts.get(endpoint) ?? 0) + 1);
  if (endpoint === 'POST /api/v3/order') recordArrival(options, rawQuery, rawBody);
  // MEXC's real limits (rate-limits.ts), before anything else: an over-limit request does nothing
  if (options.rateLimiter.admit(endpoint) !== null) {
    send(res, errorReply(mexcErrors.tooManyRequests(1)));
    return;
  }
  const fault = options.faults.take(endpoint);
  const errorFault = fault && ERROR_FAULTS.has(fault.kind) ? fault : undefined;
  if (errorFault && !errorFault.accept) {
    send(res, faultReply(errorFault));
    return;
  }
  if (fault?.kind === 'delay') await sleep(fault.delayMs ?? 1000);

  const context: RouteContext = fault?.kind === 'visibility_lag' ? { hideNewOrderMs: fault.delayMs ?? 1000 } : {};
  const reply = handleExchange(options, req, method, endpoint, rawQuery, rawBody, context);
  if (fault?.kind === 'accept_then_timeout') {
    // The request has been executed; the client never hears about it.
    setTimeout(() => req.socket.destroy(), fault.delayMs ?? 0);
    return;
  }
  // `accept`: the request was executed, the client hears an error (an order accepted, then e.g. an unknown code)
  send(res, errorFault ? faultReply(errorFault) : reply);
}

/** Never throws: a malformed order request is still an arrival, the route refuses it later. */
function recordArrival(options: ServerOptions, rawQuery: string, rawBody: string): void {
  let params: Params = new Map();
  try {
    params = parseParams(rawQuery, rawBody);
  } catch {
    // the route answers the parameter error
  }
  options.orderArrivals.push({
    clientOrderId: params.get('newClientOrderId') ?? null,
    symbol: params.get('symbol') ?? null,
    at: options.exchange.now(),
    offsetMs: options.exchange.clockOffsetMs,
  });
}

function handleExchange(
  options: ServerOptions,
  req: IncomingMessage,
  method: string,
  endpoint: string,
  rawQuery: string,
  rawBody: string,
  context: RouteContext,
): Reply {
  try {
    const route = exchangeRoutes[endpoint];
    if (!route) throw mexcErrors.notFound();
    if (options.requireContentType && (method === 'POST' || method === 'DELETE') && !acceptedContentType(req)) {
      throw mexcErrors.invalidContentType();
    }
    const params = parseParams(rawQuery, rawBody);
    if (route.signed) authenticate(options, req, params, rawQuery, rawBody);
    return { status: 200, body: route.handle(params, options.exchange, context) };
  } catch (error) {
    if (error instanceof MexcError) return errorReply(error);
    throw error;
  }
}

function authenticate(options: ServerOptions, req: IncomingMessage, params: Params, rawQuery: string, rawBody: string) {
  const key = req.headers['x-mexc-apikey'];
  if (key === undefined || key === '') throw mexcErrors.apiKeyRequired();
  if (key !== options.apiKey) throw mexcErrors.invalidAccessKey();
  const { totalParams, signature } = totalParamsOf(rawQuery, rawBody);
  if (signature === undefined || !signatureMatches(options.apiSecret, totalParams, signature)) {
    throw mexcErrors.badSignature();
  }
  const recvWindowRaw = params.get('recvWindow');
  let recvWindow = recvWindowDefault;
  if (recvWindowRaw !== undefined) {
    if (!/^\d+$/.test(recvWindowRaw)) throw mexcErrors.paramError('recvWindow');
    recvWindow = Number(recvWindowRaw);
    if (recvWindow > recvWindowMax) throw mexcErrors.recvWindowTooLarge();
  }
  const timestampRaw = params.get('timestamp');
  if (timestampRaw === undefined || !/^\d+$/.test(timestampRaw)) throw mexcErrors.outsideRecvWindow();
  const timestamp = Number(timestampRaw);
  const serverTime = options.exchange.now();
  if (!withinRecvWindow(timestamp, serverTime, recvWindow)) throw mexcErrors.outsideRecvWindow();
}

/** DOC timing security: accept iff timestamp < serverTime + 1000 && serverTime - timestamp <= recvWindow. */
export function withinRecvWindow(timestamp: number, serverTime: number, recvWindow: number): boolean {
  return timestamp < serverTime + 1000 && serverTime - timestamp <= recvWindow;
}

function handleAdmin(
  options: ServerOptions,
  req: IncomingMessage,
  endpoint: string,
  rawQuery: string,
  rawBody: string,
): Reply {
  if (!isLoopback(req.socket.remoteAddress))
    return { status: 403, body: { error: 'the admin API answers loopback only' } };
  const handler = adminRoutes[endpoint];
  if (!handler) return { status: 404, body: { error: `no admin route ${endpoint}` } };
  try {
    let body: unknown;
    if (rawBody.trim() !== '') {
      try {
        body = JSON.parse(rawBody);
      } catch {
        throw new AdminInputError('body: must be JSON');
      }
    }
    return { status: 200, body: handler(body, new URLSearchParams(rawQuery), options) };
  } catch (error) {
    if (error instanceof AdminInputError) return { status: 400, body: { error: error.message } };
    throw error;
  }
}

/** Query and body parameters; a name in both takes the query's value (DOC). */
function parseParams(rawQuery: string, rawBody: string): Params {
  const params: Params = new Map();
  const trimmed = rawBody.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw mexcErrors.paramError('body');
    }
    if (typeof parsed === 'object' && parsed !== null) {
      for (const [name, value] of Object.entries(parsed)) {
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
          params.set(name, String(value));
        }
      }
    }
  } else if (trimmed !== '') {
    for (const [name, value] of new URLSearchParams(trimmed)) params.set(name, value);
  }
  for (const [name, value] of new URLSearchParams(rawQuery)) params.set(name, value);
  return params;
}

function acceptedContentType(req: IncomingMessage): boolean {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  return type.startsWith('application/json') || type.startsWith('application/x-www-form-urlencoded');
}

function faultReply(fault: Fault): Reply {
  if (fault.kind === '403') return { status: 403, body: WAF_PAGE, raw: true, contentType: 'text/html' };
  return errorReply(faultError(fault));
}

function faultError(fault: Fault): MexcError {
  if (fault.kind === '429') return mexcErrors.tooManyRequests(fault.retryAfterS ?? 10);
  if (fault.kind === '418') return mexcErrors.ipBanned(fault.retryAfterS ?? 120);
  if (fault.kind === 'oversold') return mexcErrors.oversold();
  if (fault.kind === 'unknown_code') return mexcErrors.unknownCode(fault.code ?? 99999);
  return mexcErrors.serverError(fault.status ?? 503);
}

function errorReply(error: MexcError): Reply {
  return { status: error.httpStatus, body: error.body(), headers: error.headers };
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function send(res: ServerResponse, reply: Reply): void {
  const payload = reply.raw ? String(reply.body) : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'Content-Type': reply.contentType ?? 'application/json',
    'Content-Length': Buffer.byteLength(payload),
    ...reply.headers,
  });
  res.end(payload);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new Error('request body over 1 MB'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
