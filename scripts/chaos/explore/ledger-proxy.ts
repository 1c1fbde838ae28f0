/**
 * A loopback gRPC proxy in front of the Firestore emulator, so the explorer sees every ledger call
 * the function makes and can act at it (hold it, fail it, kill the process before or after it).
 *
 * The Firestore client speaks gRPC over cleartext HTTP/2 (h2c) to FIRESTORE_EMULATOR_HOST; each RPC
 * is one HTTP/2 stream whose `:path` names it, e.g. `/google.firestore.v1.Firestore/Commit` (gRPC
 * over HTTP/2 protocol: https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md). The status
 * travels in trailers, or, for an error before any message, in a "Trailers-Only" HEADERS frame that
 * ends the stream; the proxy keeps that shape, because grpc-js reads the status from a HEADERS frame
 * only when it carries END_STREAM.
 */
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';

export interface LedgerCall {
  /** the RPC name, e.g. `Commit`, `BatchGetDocuments`, `BeginTransaction`, `RunQuery` */
  method: string;
}

/** What to do with one call, decided before any of it reaches the emulator. */
export type LedgerVerdict =
  | { kind: 'forward' }
  /** answer the call with this gRPC status without forwarding it (14 UNAVAILABLE, 10 ABORTED) */
  | { kind: 'fail'; grpcStatus: number; message: string }
  /** never answer (the process is being killed) */
  | { kind: 'swallow' };

export interface LedgerGate {
  before(call: LedgerCall): Promise<LedgerVerdict>;
  /** the emulator's whole answer reached the function */
  after(call: LedgerCall): void;
}

export interface LedgerProxy {
  /** host:port, the function's FIRESTORE_EMULATOR_HOST */
  readonly host: string;
  /** ids (base64) of the transactions the emulator opened for the function since the last call, which it forgets */
  takeTransactions(): string[];
  close(): Promise<void>;
}

/** The response field that carries a new transaction id: BeginTransactionResponse.transaction = 1, BatchGetDocumentsResponse.transaction = 3, RunQueryResponse.transaction = 2 (google/firestore/v1/firestore.proto). */
const TRANSACTION_FIELD: Record<string, number> = { BeginTransaction: 1, BatchGetDocuments: 3, RunQuery: 2 };

function readVarint(buf: Buffer, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  let i = at;
  while (i < buf.length) {
    const b = buf[i++] ?? 0;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [value, i];
    shift += 7;
  }
  return [value, buf.length];
}

/** The length-delimited top-level fields `field` of one protobuf message (a scan, not a decoder: nothing else is needed). */
export function bytesFields(message: Buffer, field: number): Buffer[] {
  const out: Buffer[] = [];
  let i = 0;
  while (i < message.length) {
    const [key, next] = readVarint(message, i);
    i = next;
    const wire = key % 8;
    if (wire === 0) i = readVarint(message, i)[1];
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else if (wire === 2) {
      const [len, start] = readVarint(message, i);
      if (Math.floor(key / 8) === field) out.push(message.subarray(start, start + len));
      i = start + len;
    } else break;
  }
  return out;
}

/** The messages of a gRPC body: each is a compressed flag, a 4-byte big-endian length, the message. */
export function grpcMessages(body: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let i = 0;
  while (i + 5 <= body.length) {
    const len = body.readUInt32BE(i + 1);
    out.push(body.subarray(i + 5, i + 5 + len));
    i += 5 + len;
  }
  return out;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host']);

function forwardable(headers: http2.IncomingHttpHeaders, keepPseudo: readonly string[]): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    if (name.startsWith(':') && !keepPseudo.includes(name)) continue;
    out[name] = value;
  }
  return out;
}

/** grpc-message is percent-encoded: bytes outside printable ASCII, and `%` itself (PROTOCOL-HTTP2.md, "Responses"). */
function grpcMessage(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((b) =>
      b >= 0x20 && b <= 0x7e && b !== 0x25
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

export async function startLedgerProxy(upstreamHost: string, gate: LedgerGate): Promise<LedgerProxy> {
  let upstream: http2.ClientHttp2Session | null = null;
  const session = () => {
    if (!upstream || upstream.closed || upstream.destroyed) {
      const s = http2.connect(`http://${upstreamHost}`);
      // a dropped emulator connection fails the calls on it; the next call opens a new one
      s.on('error', () => undefined);
      s.on('close', () => {
        if (upstream === s) upstream = null;
      });
      upstream = s;
    }
    return upstream;
  };
  const sessions = new Set<http2.ServerHttp2Session>();
  let transactions: string[] = [];
  const server = http2.createServer();
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
    s.on('error', () => undefined);
  });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => undefined);
    const path = String(headers[':path'] ?? '');
    const call: LedgerCall = { method: path.slice(path.lastIndexOf('/') + 1) };
    void gate.before(call).then(
      (verdict) => handle(stream, headers, call, verdict),
      () => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR),
    );
  });

  const handle = (
    stream: http2.ServerHttp2Stream,
    headers: http2.IncomingHttpHeaders,
    call: LedgerCall,
    verdict: LedgerVerdict,
  ) => {
    if (stream.destroyed || stream.closed) return;
    if (verdict.kind === 'swallow') return;
    if (verdict.kind === 'fail') {
      stream.respond(
        {
          ':status': 200,
          'content-type': 'application/grpc',
          'grpc-status': String(verdict.grpcStatus),
          'grpc-message': grpcMessage(verdict.message),
        },
        { endStream: true },
      );
      return;
    }
    const up = session().request(forwardable(headers, [':method', ':path', ':scheme', ':authority']));
    up.on('error', () => {
      if (!stream.destroyed) stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR);
    });
    stream.on('close', () => {
      if (!up.closed) up.close(http2.constants.NGHTTP2_CANCEL);
    });
    let trailers: http2.OutgoingHttpHeaders = {};
    up.on('trailers', (t) => {
      trailers = forwardable(t, []);
    });
    up.on('response', (h, flags) => {
      if (stream.destroyed) return;
      // Trailers-Only: the status is in this HEADERS frame, which ends the stream
      if ((flags & http2.constants.NGHTTP2_FLAG_END_STREAM) !== 0) {
        stream.respond(forwardable(h, [':status']), { endStream: true });
        gate.after(call);
        return;
      }
      stream.respond(forwardable(h, [':status']), { waitForTrailers: true });
      stream.on('wantTrailers', () => {
        stream.sendTrailers(trailers);
        // complete as far as the function can tell: it cannot have acted on the answer before this
        gate.after(call);
      });
      const field = TRANSACTION_FIELD[call.method];
      const chunks: Buffer[] = [];
      if (field !== undefined) up.on('data', (chunk: Buffer) => chunks.push(chunk));
      up.pipe(stream);
      up.on('end', () => {
        if (field !== undefined)
          for (const m of grpcMessages(Buffer.concat(chunks)))
            for (const t of bytesFields(m, field)) transactions.push(t.toString('base64'));
      });
    });
    stream.pipe(up);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    takeTransactions() {
      const out = transactions;
      transactions = [];
      return out;
    },
    async close() {
      for (const s of sessions) s.destroy();
      upstream?.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
