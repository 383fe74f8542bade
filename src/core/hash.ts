import { createHash } from 'node:crypto';

/** Length of the hex content hashes used in markers: 96 bits, short enough to cost few tokens. */
export const HASH_LENGTH = 24;

export function contentHash(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex').slice(0, HASH_LENGTH);
}
