import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';

/**
 * The request body as text, undoing any Content-Encoding (Codex sends zstd). Undefined
 * when the encoding is unknown: such a body is forwarded as it came.
 */
export function decodeBody(body: Buffer, contentEncoding: string | undefined): string | undefined {
  const encodings = (contentEncoding ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e && e !== 'identity');
  let bytes: Uint8Array = body;
  for (const encoding of encodings.reverse()) {
    if (encoding === 'gzip' || encoding === 'x-gzip') bytes = gunzipSync(bytes);
    else if (encoding === 'br') bytes = brotliDecompressSync(bytes);
    else if (encoding === 'deflate') bytes = inflateSync(bytes);
    else if (encoding === 'zstd') bytes = zstdDecompress(bytes);
    else return undefined;
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}
