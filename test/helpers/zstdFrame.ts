/** zstd caps a block at 128 KB. */
const MAX_BLOCK = 128 * 1024;

/**
 * A real zstd frame holding the data in raw (stored) blocks, so tests can send a zstd body
 * as Codex does without a zstd encoder (Node 20's zlib has none).
 */
export function zstdRawFrame(data: Buffer): Buffer {
  const magic = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
  const descriptor = Buffer.from([0xa0]); // single segment, 4-byte content size, no checksum
  const contentSize = Buffer.alloc(4);
  contentSize.writeUInt32LE(data.length);
  const blocks: Buffer[] = [];
  for (let start = 0; start < data.length || blocks.length === 0; start += MAX_BLOCK) {
    const chunk = data.subarray(start, start + MAX_BLOCK);
    const last = start + MAX_BLOCK >= data.length ? 1 : 0;
    const header = chunk.length * 8 + last; // size, type raw (0), last-block bit
    blocks.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff]), chunk);
  }
  return Buffer.concat([magic, descriptor, contentSize, ...blocks]);
}

/**
 * A real zstd frame of `blocks` RLE blocks, each one byte repeated 128 KB: four bytes a block
 * that decode to 128 KB, the shape of a decompression bomb. Its header declares a 128 KB window
 * and no content size, as a streaming encoder's does.
 */
export function zstdRleFrame(byte: number, blocks: number): Buffer {
  const magic = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
  const descriptor = Buffer.from([0x00, 7 << 3]); // no content size; window 2^(10+7) = 128 KB
  const body: Buffer[] = [];
  for (let i = 0; i < blocks; i++) {
    const header = MAX_BLOCK * 8 + (1 << 1) + (i === blocks - 1 ? 1 : 0); // size, type RLE (1), last-block bit
    body.push(Buffer.from([header & 0xff, (header >> 8) & 0xff, (header >> 16) & 0xff, byte]));
  }
  return Buffer.concat([magic, descriptor, ...body]);
}
