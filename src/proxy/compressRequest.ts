import { compress, type ItemStats } from '../core/compress';
import { NOT_STORED } from '../core/compressText';
import type { Dialect } from './dialects/dialect';
import type { ProxyState } from './proxyState';
import { BodyTooLarge } from './readBody';
import { decodeBody } from './requestBody';
import { parseJsonBody } from './jsonBody';
import { errorMessage } from '../shared/errorMessage';

export interface CompressedRequest {
  /** The compressed body as an object; routes change it further (retrieve tool, CacheAligner) before serialising it. */
  parsed: Conversation;
  /** Writes the body (or a changed copy) as JSON, number literals as the client wrote them. */
  serialise: (body: unknown) => Buffer;
  items: ItemStats[];
  /** Tool-output tokens of the outputs this request sent first (a re-sent output was counted when it was new). */
  tokensBefore: number;
  tokensAfter: number;
  /** This request moved the conversation's history boundary (a deliberate, counted cache break). */
  checkpoint: boolean;
  /** Tokens it writes to the cache that the previous request had cached (estimated), when it did. */
  rewrittenTokens: number;
}

/** A request body holding a conversation, where its dialect keeps one (`messages`, `input`, `contents`). */
export type Conversation = Record<string, unknown>;

/** A body read as a conversation, and how to write it back. */
export type ReadConversation = Pick<CompressedRequest, 'parsed' | 'serialise'>;

/** What came of compressing a request; `read` is the conversation whenever the body could be read as one. */
export type RequestCompression =
  | { outcome: 'compressed'; request: CompressedRequest }
  | { outcome: 'unchanged'; read?: ReadConversation }
  | { outcome: 'failed'; reason: string; read?: ReadConversation }
  /** Decoded, the body would pass the size limit (or the ratio cap): refused, never forwarded. */
  | { outcome: 'too-large'; limit: number };

/**
 * Reads a request body once and compresses the tool outputs in its conversation. Anything
 * it cannot read (unknown encoding, malformed JSON, an unexpected shape) or any failure
 * leaves the request as it came: without a parsed conversation the caller forwards the
 * original bytes, so the upstream answers exactly as it would have.
 */
export async function compressRequestBody(
  dialect: Dialect,
  raw: Buffer,
  contentEncoding: string | undefined,
  state: ProxyState,
): Promise<RequestCompression> {
  let read: ReadConversation | undefined;
  try {
    const decoded = decodeBody(raw, contentEncoding, state.config.bodyLimit);
    if ('unreadable' in decoded) return { outcome: 'failed', reason: decoded.unreadable };
    const json = parseJsonBody(decoded.text);
    if (json === undefined) return { outcome: 'unchanged' };
    if ('unreadable' in json) return { outcome: 'failed', reason: json.unreadable };
    const body = json.value;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return { outcome: 'unchanged' };
    const messages = dialect.conversation(body as Conversation);
    if (!messages) return { outcome: 'unchanged' };
    const conversation = body as Conversation;
    read = { parsed: conversation, serialise: json.serialise };
    const { config, store } = state;
    // A client that manages its own context (Anthropic's context editing) keeps its history as it is.
    const history =
      config.history !== false && conversation.context_management === undefined ? (config.history ?? {}) : undefined;
    const result = await compress(messages, {
      scorer: state.relevance.scorer,
      format: dialect.format,
      store,
      deadline: Date.now() + config.compressionBudgetMs,
      minTokens: config.minTokens,
      aggressiveness: config.aggressiveness,
      codeParser: state.codeParser,
      offload: state.compressionThread.offload,
      history,
    });
    // Durable before visible: the originals behind this request's markers reach the disk first.
    await store.syncOriginals();
    const notStored = result.items.find((item) => item.reason?.startsWith(NOT_STORED));
    if (notStored) state.recordFailure(`an output went uncompressed: ${notStored.reason}`);
    if (!result.items.some((item) => item.compressed)) return { outcome: 'unchanged', read };
    const parsed = dialect.withConversation(conversation, result.messages);
    // Tokens count each output once, when first seen: re-sending one saves cache reads, which the dollars count.
    const fresh = result.items.filter((item) => !item.cached);
    const tokensBefore = fresh.reduce((sum, item) => sum + item.tokensBefore, 0);
    const tokensAfter = fresh.reduce((sum, item) => sum + item.tokensAfter, 0);
    return {
      outcome: 'compressed',
      request: {
        parsed,
        serialise: json.serialise,
        items: result.items,
        tokensBefore,
        tokensAfter,
        checkpoint: result.history?.rewritesNow ?? false,
        rewrittenTokens: result.history?.rewrittenTokens ?? 0,
      },
    };
  } catch (error) {
    if (error instanceof BodyTooLarge) return { outcome: 'too-large', limit: error.limit };
    return { outcome: 'failed', reason: errorMessage(error), read };
  }
}
