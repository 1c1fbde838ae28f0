import { createServer as createHttpServer, request } from 'node:http';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';

/**
 * A loopback proxy in front of the Firestore emulator that counts the client's calls on the wire,
 * whatever the client reports: the functions get it as FIRESTORE_EMULATOR_HOST.
 * - gRPC (the default client): HTTP/2 with prior knowledge. The bytes are passed through untouched
 *   while the client's frames are parsed; every HEADERS frame that opens a new stream is one call.
 * - REST (`preferRest: true`): HTTP/1.1, served by a node:http server that forwards each request
 *   and counts it under its method and the last part of its path (`documents:commit`, …).
 */
export interface WireCounts {
  /** calls over gRPC: new HTTP/2 streams opened by the client */
  grpc: number;
  /** calls over HTTP/1.1 REST, per "METHOD name" */
  rest: Record<string, number>;
  /** grpc + every REST call */
  total: number;
  /** performance.now() when each call reached the proxy, in order */
  at: number[];
}

export interface FirestoreWire {
  /** host:port, for FIRESTORE_EMULATOR_HOST */
  host: string;
  counts(): WireCounts;
  clear(): void;
  close(): Promise<void>;
}

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
const FRAME_HEADERS = 0x1;

/** Counts the HEADERS frames that open client streams in a client → server HTTP/2 byte stream. */
export class Http2StreamCounter {
  private buffer: Buffer = Buffer.alloc(0);
  private prefaceLeft = PREFACE.length;
  private highest = 0;
  opened = 0;

  push(chunk: Buffer): void {
    let data = chunk;
    if (this.prefaceLeft > 0) {
      const skip = Math.min(this.prefaceLeft, data.length);
      this.prefaceLeft -= skip;
      data = data.subarray(skip);
    }
    this.buffer = this.buffer.length === 0 ? data : Buffer.concat([this.buffer, data]);
    while (this.buffer.length >= 9) {
      const length = this.buffer.readUIntBE(0, 3);
      if (this.buffer.length < 9 + length) break;
      const type = this.buffer[3];
      const stream = this.buffer.readUInt32BE(5) & 0x7fffffff;
      if (type === FRAME_HEADERS && stream > this.highest) {
        this.highest = stream;
        this.opened += 1;
      }
      this.buffer = this.buffer.subarray(9 + length);
    }
  }
}

function restName(method: string | undefined, url: string | undefined): string {
  const path = (url ?? '/').split('?')[0] ?? '/';
  const last = path.split('/').pop() ?? path;
  return `${method ?? 'GET'} ${last.includes(':') ? `documents:${last.split(':').pop()}` : last}`;
}

export async function startFirestoreWire(emulatorHost: string): Promise<FirestoreWire> {
  const [targetHost = '127.0.0.1', targetPort = '0'] = emulatorHost.split(':');
  let grpc = 0;
  let rest: Record<string, number> = {};
  let at: number[] = [];
  const sockets = new Set<Socket>();

  const http = createHttpServer((req, res) => {
    const name = restName(req.method, req.url);
    rest[name] = (rest[name] ?? 0) + 1;
    at.push(performance.now());
    const upstream = request(
      { host: targetHost, port: Number(targetPort), method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.once('data', (first: Buffer) => {
      if (!first.subarray(0, 3).equals(PREFACE.subarray(0, 3))) {
        socket.pause();
        socket.unshift(first);
        http.emit('connection', socket);
        socket.resume();
        return;
      }
      const counter = new Http2StreamCounter();
      const upstream = connect(Number(targetPort), targetHost);
      sockets.add(upstream);
      upstream.once('close', () => sockets.delete(upstream));
      const see = (chunk: Buffer) => {
        const before = counter.opened;
        counter.push(chunk);
        const now = performance.now();
        for (let i = before; i < counter.opened; i += 1) at.push(now);
        grpc += counter.opened - before;
      };
      see(first);
      upstream.write(first);
      socket.on('data', (chunk: Buffer) => {
        see(chunk);
        upstream.write(chunk);
      });
      upstream.pipe(socket);
      socket.on('end', () => upstream.end());
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    counts: () => {
      const restTotal = Object.values(rest).reduce((s, n) => s + n, 0);
      return { grpc, rest: { ...rest }, total: grpc + restTotal, at: [...at] };
    },
    clear() {
      grpc = 0;
      rest = {};
      at = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        http.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
