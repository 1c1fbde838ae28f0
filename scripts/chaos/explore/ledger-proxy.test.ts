import { bytesFields, grpcMessages } from './ledger-proxy';

describe('the gRPC body scan the ledger proxy uses to find transaction ids', () => {
  it('splits a body into its length-prefixed messages', () => {
    const body = Buffer.from([0, 0, 0, 0, 2, 0xaa, 0xbb, 0, 0, 0, 0, 1, 0xcc]);
    expect(grpcMessages(body).map((m) => m.toString('hex'))).toEqual(['aabb', 'cc']);
  });

  it('finds a bytes field among varint, fixed and other length-delimited fields', () => {
    // field 1 varint 300, field 2 fixed64, field 4 bytes "xx", field 3 bytes "tx1", field 5 fixed32, field 3 bytes "t2"
    const message = Buffer.concat([
      Buffer.from([0x08, 0xac, 0x02]),
      Buffer.from([0x11, 1, 2, 3, 4, 5, 6, 7, 8]),
      Buffer.from([0x22, 2]),
      Buffer.from('xx'),
      Buffer.from([0x1a, 3]),
      Buffer.from('tx1'),
      Buffer.from([0x2d, 1, 2, 3, 4]),
      Buffer.from([0x1a, 2]),
      Buffer.from('t2'),
    ]);
    expect(bytesFields(message, 3).map((b) => b.toString())).toEqual(['tx1', 't2']);
    expect(bytesFields(message, 7)).toEqual([]);
  });
});
