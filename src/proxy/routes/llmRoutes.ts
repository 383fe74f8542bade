import { Router, type Request, type Response } from 'express';
import { alignAnthropicRequest, alignOpenAIRequest } from '../../core/cacheAligner';
import type { MessageFormat } from '../../core/messages/formats';
import { compressRequestBody, type CompressedRequest } from '../compressRequest';
import type { ProxyState } from '../proxyState';
import { BodyTooLarge, readBody } from '../readBody';
import { decodeBody } from '../requestBody';
import { messagesWithRetrieval, type AnthropicRequest } from '../retrieval/anthropicRetrieval';
import { chatWithRetrieval } from '../retrieval/openaiChatRetrieval';
import { responsesWithRetrieval } from '../retrieval/responsesRetrieval';
import { anthropicRetrieveTool, openaiChatRetrieveTool, openaiResponsesRetrieveTool, withRetrieveTool } from '../retrieval/retrieveTool';
import { forward, upstreamHeaders, upstreamUrl } from '../upstream';
import type { ProviderUsage } from '../usageObserver';

type Provider = 'anthropic' | 'openai';

/**
 * The provider APIs: requests that carry a conversation get their tool outputs compressed,
 * everything else under /v1 passes through untouched to the provider it belongs to.
 */
export function llmRoutes(state: ProxyState): Router {
  const router = Router();
  router.post('/v1/messages', conversationRoute(state, 'anthropic', 'anthropic', 'retrieval-loop'));
  router.post('/v1/messages/count_tokens', conversationRoute(state, 'anthropic', 'anthropic', 'retrieve-tool'));
  router.post('/v1/chat/completions', conversationRoute(state, 'openai', 'openai-chat', 'retrieval-loop'));
  router.post('/v1/responses', conversationRoute(state, 'openai', 'openai-responses', 'retrieval-loop'));
  router.all('/v1/{*rest}', async (req, res) => {
    const body = await bodyOrReply(req, res, state);
    if (body) await forward(req, res, { upstream: upstreamFor(state, providerOf(req)), body, rewritten: false });
  });
  return router;
}

/**
 * How a route offers the model the retrieve tool: not at all, in the tool list only (what
 * count_tokens counts), or with the proxy answering the model's calls.
 */
type Retrieval = 'none' | 'retrieve-tool' | 'retrieval-loop';

function conversationRoute(state: ProxyState, provider: Provider, format: MessageFormat, retrieval: Retrieval = 'none') {
  return async (req: Request, res: Response) => {
    const started = performance.now();
    const raw = await bodyOrReply(req, res, state);
    if (!raw) return;
    state.totals.requests++;
    const retrievalsBefore = state.totals.retrievals;
    let compressed: CompressedRequest | undefined;
    let unchangedBody: Record<string, unknown> | undefined;
    let failure: string | undefined;
    if (state.compressionEnabled && raw.length > 0) {
      const compression = await compressRequestBody(format, raw, req.headers['content-encoding'], state);
      if (compression.outcome === 'compressed') {
        compressed = compression.request;
        state.totals.compressedRequests++;
        state.totals.tokensBefore += compressed.tokensBefore;
        state.totals.tokensAfter += compressed.tokensAfter;
        state.totals.compressedItems += compressed.items.filter((i) => i.compressed).length;
      } else if (compression.outcome === 'unchanged') {
        unchangedBody = compression.parsed;
      } else {
        failure = `compression skipped for ${req.path}: ${compression.reason}`;
        state.recordFailure(failure);
      }
    }

    const upstream = upstreamFor(state, provider);
    const offersRetrieval = state.compressionEnabled && retrieval !== 'none';
    const parsed = !offersRetrieval ? undefined : ((compressed?.parsed ?? unchangedBody) as AnthropicRequest['body'] | undefined) ?? parseConversation(raw, req.headers['content-encoding']);
    let usage: ProviderUsage | undefined;
    if (!parsed) {
      const body = compressed ? Buffer.from(JSON.stringify(compressed.parsed), 'utf8') : raw;
      usage = await forward(req, res, { upstream, body, rewritten: compressed !== undefined });
    } else if (format === 'anthropic') {
      const conversation = { ...alignAnthropicRequest(parsed), tools: withRetrieveTool(parsed.tools, anthropicRetrieveTool) };
      if (retrieval === 'retrieve-tool') {
        usage = await forward(req, res, { upstream, body: Buffer.from(JSON.stringify(conversation)), rewritten: true });
      } else {
        const url = upstreamUrl(upstream, req.originalUrl);
        usage = await messagesWithRetrieval({ res, state, url, headers: upstreamHeaders(req, url, true, { 'accept-encoding': 'identity' }), body: conversation });
      }
    } else {
      const url = upstreamUrl(upstream, req.originalUrl);
      const headers = upstreamHeaders(req, url, true, { 'accept-encoding': 'identity' });
      const aligned = alignOpenAIRequest(parsed, format);
      usage = format === 'openai-chat'
        ? await chatWithRetrieval({ res, state, url, headers, body: { ...aligned, tools: withRetrieveTool(parsed.tools, openaiChatRetrieveTool) } })
        : await responsesWithRetrieval({ res, state, url, headers, body: { ...aligned, input: aligned.input as unknown[], tools: withRetrieveTool(parsed.tools, openaiResponsesRetrieveTool) } });
    }
    if (req.path.endsWith('/count_tokens')) return;
    state.recordRequest(
      {
        at: Date.now(), provider, path: req.path, status: res.statusCode, model: usage?.model ?? modelOf(parsed ?? raw),
        tokensBefore: compressed?.tokensBefore ?? 0, tokensAfter: compressed?.tokensAfter ?? 0,
        inputTokens: usage?.input, outputTokens: usage?.output, cacheReadTokens: usage?.cacheRead, cacheWriteTokens: usage?.cacheWrite,
        latencyMs: performance.now() - started, retrievals: state.totals.retrievals - retrievalsBefore, failure,
      },
      (compressed?.items ?? []).filter((i) => i.compressed).map((i) => ({
        hash: i.hash, tool: i.tool, kind: i.kind, tokensBefore: i.tokensBefore, tokensAfter: i.tokensAfter,
        preview: state.store.preview(i.hash, 240),
      })),
    );
  };
}

/** The model named in the request, for pricing when the answer did not say. */
function modelOf(body: Buffer | Record<string, unknown>): string | undefined {
  if (!Buffer.isBuffer(body)) return typeof body.model === 'string' ? body.model : undefined;
  return /"model"\s*:\s*"([^"]{1,100})"/.exec(body.subarray(0, 4096).toString('utf8'))?.[1];
}

/** The request as an object with a conversation (messages, or Responses input items), or undefined when it is not one (it then passes through as it came). */
function parseConversation(body: Buffer, contentEncoding: string | undefined): AnthropicRequest['body'] | undefined {
  try {
    const text = decodeBody(body, contentEncoding);
    const value = text === undefined ? undefined : (JSON.parse(text) as unknown);
    const conversation = value as { messages?: unknown; input?: unknown } | null;
    return typeof conversation === 'object' && conversation !== null && (Array.isArray(conversation.messages) || Array.isArray(conversation.input)) ? (value as AnthropicRequest['body']) : undefined;
  } catch {
    return undefined;
  }
}

async function bodyOrReply(req: Request, res: Response, state: ProxyState): Promise<Buffer | undefined> {
  try {
    return await readBody(req, state.config.bodyLimit);
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      res.status(413).json({ type: 'error', error: { type: 'request_too_large', message: `Headroom accepts request bodies up to ${Math.round(error.limit / 1024 / 1024)} MB.` } });
    } else {
      res.destroy();
    }
    return undefined;
  }
}

/** Anthropic's clients always send anthropic-version; OpenAI's never do. */
function providerOf(req: Request): Provider {
  return req.headers['anthropic-version'] !== undefined || req.path.startsWith('/v1/messages') || req.path.startsWith('/v1/complete') ? 'anthropic' : 'openai';
}

function upstreamFor(state: ProxyState, provider: Provider): string {
  return provider === 'anthropic' ? state.config.anthropicUpstream : state.config.openaiUpstream;
}
