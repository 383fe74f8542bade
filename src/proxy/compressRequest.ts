import { compress, type ItemStats } from '../core/compress';
import type { MessageFormat } from '../core/messages/formats';
import type { ProxyState } from './proxyState';
import { decodeBody } from './requestBody';

/** Where each API keeps the conversation in its request body. */
const CONVERSATION_FIELD: Record<MessageFormat, string> = {
  anthropic: 'messages',
  'openai-chat': 'messages',
  'openai-responses': 'input',
};

export interface CompressedRequest {
  /** The compressed body as an object; routes change it further (retrieve tool, CacheAligner) before serialising it once. */
  parsed: Record<string, unknown>;
  items: ItemStats[];
  tokensBefore: number;
  tokensAfter: number;
}

export type RequestCompression =
  | { outcome: 'compressed'; request: CompressedRequest }
  | { outcome: 'unchanged'; items: ItemStats[]; parsed?: Record<string, unknown> }
  | { outcome: 'failed'; reason: string };

/**
 * Compresses the tool outputs in a request body. Anything it cannot read (unknown encoding,
 * malformed JSON, an unexpected shape) or any failure leaves the request as it came: the
 * caller forwards the original bytes, so the upstream answers exactly as it would have.
 */
export async function compressRequestBody(format: MessageFormat, raw: Buffer, contentEncoding: string | undefined, state: ProxyState): Promise<RequestCompression> {
  try {
    const text = decodeBody(raw, contentEncoding);
    if (text === undefined) return { outcome: 'failed', reason: `unsupported content-encoding ${contentEncoding}` };
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { outcome: 'unchanged', items: [] };
    }
    const field = CONVERSATION_FIELD[format];
    if (typeof body !== 'object' || body === null || !Array.isArray((body as Record<string, unknown>)[field])) return { outcome: 'unchanged', items: [] };
    const { config, store } = state;
    const result = await compress((body as Record<string, unknown[]>)[field], {
      format,
      store,
      deadline: Date.now() + config.compressionBudgetMs,
      minTokens: config.minTokens,
      aggressiveness: config.aggressiveness,
    });
    if (!result.items.some((item) => item.compressed)) return { outcome: 'unchanged', items: result.items, parsed: body as Record<string, unknown> };
    const parsed = { ...(body as Record<string, unknown>), [field]: result.messages };
    return { outcome: 'compressed', request: { parsed, items: result.items, tokensBefore: result.tokensBefore, tokensAfter: result.tokensAfter } };
  } catch (error) {
    return { outcome: 'failed', reason: error instanceof Error ? error.message : String(error) };
  }
}
