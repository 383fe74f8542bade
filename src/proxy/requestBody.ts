import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { Decompress as ZstdStream } from 'fzstd';
import { decodeUtf8 } from '../shared/utf8';
import { BodyTooLarge } from './readBody';

/**
 * A body this small may expand to any size up to the limit; past it, at most this many times
 * its encoded size. Conversations compress well, but not a thousandfold: that is a bomb.
 */
const RATIO_FREE_BYTES = 4 * 1024 * 1024;
const MAX_RATIO = 200;
/** zstd input is fed in slices so an overlong output is caught after at most one slice's worth. */
const ZSTD_SLICE = 16 * 1024;

/** The body as text, or why it cannot be read as text (then it is forwarded as it came). */
export type DecodedBody = { text: string } | { unreadable: string };

/**
 * The request body as text, undoing any Content-Encoding (Codex sends zstd). Decoding stops
 * with `BodyTooLarge` once the output passes `limit` bytes or the ratio cap, so a few
 * kilobytes can never become gigabytes in memory. Unknown encodings and bytes that are not
 * UTF-8 are unreadable: re-encoding them would change what the client sent.
 */
export function decodeBody(body: Buffer, contentEncoding: string | undefined, limit: number): DecodedBody {
  const encodings = (contentEncoding ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e && e !== 'identity');
  const cap = Math.min(limit, Math.max(RATIO_FREE_BYTES, body.length * MAX_RATIO));
  let bytes: Uint8Array = body;
  for (const encoding of encodings.reverse()) {
    const options = { maxOutputLength: cap };
    try {
      if (encoding === 'gzip' || encoding === 'x-gzip') bytes = gunzipSync(bytes, options);
      else if (encoding === 'br') bytes = brotliDecompressSync(bytes, options);
      else if (encoding === 'deflate') bytes = inflateSync(bytes, options);
      else if (encoding === 'zstd') bytes = zstdDecode(bytes, cap);
      else return { unreadable: `unsupported content-encoding ${contentEncoding}` };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new BodyTooLarge(cap);
      throw error;
    }
  }
  const text = decodeUtf8(bytes);
  return text === undefined ? { unreadable: 'the body is not valid UTF-8' } : { text };
}

/** zstd, decoded as a stream that is abandoned once it has produced more than `cap` bytes. */
function zstdDecode(bytes: Uint8Array, cap: number): Uint8Array {
  const window = declaredZstdWindow(bytes);
  if (window > cap) throw new BodyTooLarge(cap);
  const parts: Uint8Array[] = [];
  let size = 0;
  const stream = new ZstdStream((part) => {
    size += part.length;
    if (size > cap) throw new BodyTooLarge(cap);
    parts.push(part);
  });
  for (let at = 0; at < bytes.length; at += ZSTD_SLICE) {
    const end = Math.min(bytes.length, at + ZSTD_SLICE);
    stream.push(bytes.subarray(at, end), end === bytes.length);
  }
  return Buffer.concat(parts, size);
}

/**
 * The memory the first frame's header asks the decoder to reserve (its window, or its content
 * size for a single-segment frame), read before any is reserved. RFC 8878 §3.1.1.1.
 */
function declaredZstdWindow(bytes: Uint8Array): number {
  if (bytes.length < 6 || bytes[0] !== 0x28 || bytes[1] !== 0xb5 || bytes[2] !== 0x2f || bytes[3] !== 0xfd) return 0;
  const descriptor = bytes[4];
  const singleSegment = (descriptor >> 5) & 1;
  if (!singleSegment) {
    const exponent = bytes[5] >> 3;
    const base = 2 ** (10 + exponent);
    return base + (base / 8) * (bytes[5] & 7);
  }
  const dictionaryBytes = [0, 1, 2, 4][descriptor & 3];
  const sizeBytes = [1, 2, 4, 8][descriptor >> 6];
  let size = 0;
  for (let i = sizeBytes - 1; i >= 0; i--) size = size * 256 + (bytes[5 + dictionaryBytes + i] ?? 0);
  return sizeBytes === 2 ? size + 256 : size;
}
