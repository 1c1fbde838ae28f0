import { Http2StreamCounter } from './firestore-wire';

const frame = (type: number, stream: number, length = 0) => {
  const b = Buffer.alloc(9 + length);
  b.writeUIntBE(length, 0, 3);
  b[3] = type;
  b.writeUInt32BE(stream, 5);
  return b;
};

describe('HTTP/2 stream counter', () => {
  it('counts HEADERS frames that open client streams, across chunk boundaries', () => {
    const c = new Http2StreamCounter();
    const bytes = Buffer.concat([
      Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
      frame(0x4, 0, 6), // SETTINGS
      frame(0x1, 1, 20), // HEADERS, stream 1: a call
      frame(0x0, 1, 100), // DATA
      frame(0x8, 0, 4), // WINDOW_UPDATE
      frame(0x1, 3, 12), // HEADERS, stream 3: a call
      frame(0x1, 3, 5), // trailers on stream 3: not a new call
      frame(0x6, 0, 8), // PING
    ]);
    for (let i = 0; i < bytes.length; i += 7) c.push(bytes.subarray(i, i + 7));
    expect(c.opened).toBe(2);
  });
});
