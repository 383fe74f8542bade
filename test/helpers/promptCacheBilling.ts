import { createHash } from 'node:crypto';
import { countTokens } from '../../src/core/tokens';

/**
 * Anthropic's prompt cache, as the Messages API documents it and bills it, for the fakes that
 * stand in for the API (the session benchmark's upstream among them):
 * - the prompt is tools, then system, then messages, cut into blocks; a `cache_control` on a
 *   block (or, for automatic caching, at the request's top level: the last block) is a
 *   breakpoint, at most 4 a request;
 * - at each breakpoint the API looks for a cached prefix ending at that block or at one of the
 *   20 blocks before it; the longest found is a cache read, and refreshes the TTL of every
 *   cached prefix inside it;
 * - the prefix up to each breakpoint is then cached; what lies between the read and the last
 *   breakpoint is a cache write, billed by the TTL of the breakpoint that closes it (5 minutes,
 *   or `ttl: "1h"`); a prefix shorter than the model's minimum cacheable length is not cached;
 * - everything after the last breakpoint is plain input;
 * - an entry not read within its TTL expires.
 * Token counts are o200k_base (an estimate of Claude's tokenizer), the same for every lane.
 */

type Json = Record<string, unknown>;

export interface CacheBill {
  /** Tokens billed at the plain input rate. */
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  /**
   * Whether this request still starts with the prefix the previous request of this biller had
   * cached (read or written); undefined when the previous request cached nothing. False means
   * the request broke the prompt cache, whether or not the entry had expired meanwhile.
   */
  keptPreviousPrefix?: boolean;
}

export class BillingError extends Error {}

const LOOKBACK_BLOCKS = 20;
export const MAX_BREAKPOINTS = 4;
const TTL_MS = { '5m': 5 * 60_000, '1h': 60 * 60_000 } as const;
type Ttl = keyof typeof TTL_MS;
/** Roughly what an image costs in the prompt; the same in every lane, so only its presence matters. */
const IMAGE_TOKENS = 1_600;

/** The documented minimum cacheable prompt length per model family (longest prefix of the id wins). */
const MINIMUM_CACHEABLE: Array<[string, number]> = [
  ['claude-opus-4-5', 4096],
  ['claude-opus-4-6', 4096],
  ['claude-haiku-4-5', 4096],
  ['claude-sonnet-4-6', 2048],
  ['claude-3-5-haiku', 2048],
  ['claude-3-haiku', 2048],
  ['claude-opus-4-7', 2048],
  ['claude-', 1024],
];

export function minimumCacheableTokens(model: string): number {
  let best: [string, number] | undefined;
  for (const entry of MINIMUM_CACHEABLE)
    if (model.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  return best?.[1] ?? 1024;
}

interface Block {
  /** The block's bytes without its cache_control, with its place in the conversation. */
  key: string;
  tokens: number;
  ttl?: Ttl;
}

interface Entry {
  ttl: Ttl;
  expiresAt: number;
}

export class PromptCacheBiller {
  private readonly entries = new Map<string, Entry>();
  private readonly tokenCounts = new Map<string, number>();
  private previousCachedPrefix: string | undefined;

  /** Bills one request at time `now` (ms) and updates the cache as the API would. */
  bill(body: Json, now: number): CacheBill {
    const blocks = this.blocks(body);
    const breakpoints = blocks.flatMap((block, i) => (block.ttl ? [i] : []));
    if (breakpoints.length > MAX_BREAKPOINTS)
      throw new BillingError(
        `A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${breakpoints.length}.`,
      );
    const minimum = minimumCacheableTokens(String(body.model ?? ''));

    const prefixes: string[] = [];
    const tokensUpTo: number[] = [];
    let hash = createHash('sha256');
    let total = 0;
    for (const block of blocks) {
      hash = hash.copy().update(block.key);
      prefixes.push(hash.copy().digest('hex'));
      total += block.tokens;
      tokensUpTo.push(total);
    }
    for (const [prefix, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(prefix);

    // The longest live entry within the look-back window of any breakpoint is read.
    let readEnd = -1;
    for (const b of breakpoints) {
      for (let i = b; i >= Math.max(0, b - LOOKBACK_BLOCKS); i--) {
        if (this.entries.has(prefixes[i])) {
          readEnd = Math.max(readEnd, i);
          break;
        }
      }
    }
    const read = readEnd >= 0 ? tokensUpTo[readEnd] : 0;
    // Reading a prefix uses every shorter cached prefix inside it too: each is refreshed.
    for (let i = 0; i <= readEnd; i++) {
      const entry = this.entries.get(prefixes[i]);
      if (entry) entry.expiresAt = now + TTL_MS[entry.ttl];
    }

    // Every breakpoint past the read whose prefix is long enough becomes an entry; the tokens
    // between the read and the last such breakpoint are written, each span at the TTL of the
    // breakpoint that closes it.
    const written = { '5m': 0, '1h': 0 };
    let writtenEnd = readEnd;
    for (const b of breakpoints) {
      if (b <= readEnd || tokensUpTo[b] < minimum) continue;
      const ttl = blocks[b].ttl!;
      written[ttl] += tokensUpTo[b] - (writtenEnd >= 0 ? tokensUpTo[writtenEnd] : 0);
      writtenEnd = b;
      this.entries.set(prefixes[b], { ttl, expiresAt: now + TTL_MS[ttl] });
    }
    const cachedEnd = Math.max(readEnd, writtenEnd);
    const write = written['5m'] + written['1h'];

    const keptPreviousPrefix =
      this.previousCachedPrefix === undefined ? undefined : prefixes.includes(this.previousCachedPrefix);
    this.previousCachedPrefix = cachedEnd >= 0 ? prefixes[cachedEnd] : undefined;
    return {
      input_tokens: total - read - write,
      cache_creation_input_tokens: write,
      cache_read_input_tokens: read,
      cache_creation: { ephemeral_5m_input_tokens: written['5m'], ephemeral_1h_input_tokens: written['1h'] },
      keptPreviousPrefix,
    };
  }

  private blocks(body: Json): Block[] {
    const blocks: Block[] = [];
    const add = (place: string, block: Json, text: () => string) => {
      const { cache_control: cacheControl, ...rest } = block;
      const key = `${place}${JSON.stringify(rest)}`;
      blocks.push({ key, tokens: this.tokens(key, text), ttl: ttlOf(cacheControl) });
    };
    for (const tool of asArray(body.tools))
      add('tool:', tool, () => JSON.stringify({ ...tool, cache_control: undefined }));
    const system = typeof body.system === 'string' ? [{ type: 'text', text: body.system }] : asArray(body.system);
    for (const block of system) add('system:', block, () => String(block.text ?? ''));
    asArray(body.messages).forEach((message, m) => {
      const content =
        typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : asArray(message.content);
      content.forEach((block, i) => add(`${m}:${String(message.role)}:${i}:`, block, () => blockText(block)));
    });
    // Automatic caching: a top-level cache_control is a breakpoint on the last block.
    const automatic = ttlOf(body.cache_control);
    if (automatic && blocks.length > 0) blocks[blocks.length - 1].ttl ??= automatic;
    return blocks;
  }

  private tokens(key: string, text: () => string): number {
    let count = this.tokenCounts.get(key);
    if (count === undefined) {
      const images = (key.match(/"type":"image"/g) ?? []).length;
      count = countTokens(text()) + images * IMAGE_TOKENS;
      this.tokenCounts.set(key, count);
    }
    return count;
  }
}

function ttlOf(cacheControl: unknown): Ttl | undefined {
  if (typeof cacheControl !== 'object' || cacheControl === null) return undefined;
  const { type, ttl } = cacheControl as Json;
  if (type !== 'ephemeral') throw new BillingError(`cache_control.type: Input should be 'ephemeral'`);
  if (ttl === undefined || ttl === '5m') return '5m';
  if (ttl === '1h') return '1h';
  throw new BillingError(`cache_control.ttl: Input should be '5m' or '1h'`);
}

function asArray(value: unknown): Json[] {
  return Array.isArray(value) ? (value.filter((v) => typeof v === 'object' && v !== null) as Json[]) : [];
}

/** The text of a content block that the model reads, for its token count. */
function blockText(block: Json): string {
  switch (block.type) {
    case 'text':
      return String(block.text ?? '');
    case 'thinking':
      return String(block.thinking ?? '');
    case 'tool_use':
      return `${String(block.name)} ${JSON.stringify(block.input ?? {})}`;
    case 'tool_result':
      if (typeof block.content === 'string') return block.content;
      return asArray(block.content)
        .map((part) => (part.type === 'text' ? String(part.text ?? '') : ''))
        .join('\n');
    case 'image':
      return '';
    default:
      return JSON.stringify(block);
  }
}
