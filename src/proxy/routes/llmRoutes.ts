import { Router, type Request, type Response } from 'express';
import { errorMessage } from '../../shared/errorMessage';
import { alignAnthropicRequest, alignOpenAIRequest } from '../../core/cacheAligner';
import type { MessageFormat } from '../../core/messages/formats';
import { compressRequestBody, type CompressedRequest, type Conversation } from '../compressRequest';
import type { ProxyState } from '../proxyState';
import { BodyTooLarge, readBody } from '../readBody';
import { messagesWithRetrieval, type AnthropicRequest } from '../retrieval/anthropicRetrieval';
import { chatWithRetrieval } from '../retrieval/openaiChatRetrieval';
import { responsesWithRetrieval } from '../retrieval/responsesRetrieval';
import {
  anthropicRetrieveTool,
  openaiChatRetrieveTool,
  openaiResponsesRetrieveTool,
  withRetrieveTool,
} from '../retrieval/retrieveTool';
import { forward, upstreamHeaders, upstreamUrl } from '../upstream';
import type { ProviderUsage } from '../usageObserver';
import { estimateSavings } from '../savingsEstimate';
import { countTokens } from '../../core/tokens';
import { PREVIEW_LENGTH } from '../../store/statsStore';

type Provider = 'anthropic' | 'openai';

/**
 * The provider APIs: requests that carry a conversation get their tool outputs compressed,
 * everything else under /v1 passes through untouched to the provider it belongs to.
 */
export function llmRoutes(state: ProxyState): Router {
  const router = Router();
  router.post('/v1/messages', conversationRoute(state, 'anthropic', 'anthropic', 'retrieval-loop'));
  router.post('/v1/messages/count_tokens', conversationRoute(state, 'anthropic', 'anthropic', 'count-only'));
  router.post('/v1/chat/completions', conversationRoute(state, 'openai', 'openai-chat', 'retrieval-loop'));
  router.post('/v1/responses', conversationRoute(state, 'openai', 'openai-responses', 'retrieval-loop'));
  router.all('/v1/{*rest}', async (req, res) => {
    const body = await bodyOrReply(req, res, state);
    if (body) await forward(req, res, { upstream: upstreamFor(state, providerOf(req)), body, rewritten: false });
  });
  return router;
}

/**
 * Whether the route offers the model the retrieve tool and answers its calls, or only counts
 * (count_tokens: the client asks what its own request costs, and sent no such tool).
 */
type Retrieval = 'count-only' | 'retrieval-loop';

function conversationRoute(state: ProxyState, provider: Provider, format: MessageFormat, retrieval: Retrieval) {
  return async (req: Request, res: Response) => {
    const started = performance.now();
    const raw = await bodyOrReply(req, res, state);
    if (!raw) return;
    state.totals.requests++;
    const retrievalsBefore = state.totals.retrievals;
    let compressed: CompressedRequest | undefined;
    let conversation: Conversation | undefined;
    let failure: string | undefined;
    if (state.compressionEnabled && raw.length > 0) {
      const compression = await compressRequestBody(format, raw, req.headers['content-encoding'], state);
      if (compression.outcome === 'compressed') {
        compressed = compression.request;
        conversation = compressed.parsed;
        state.totals.compressedRequests++;
        state.totals.tokensBefore += compressed.tokensBefore;
        state.totals.tokensAfter += compressed.tokensAfter;
        state.totals.compressedItems += compressed.items.filter((i) => i.compressed && !i.cached).length;
        if (compressed.checkpoint) state.totals.checkpoints++;
      } else {
        conversation = compression.parsed;
        if (compression.outcome === 'failed') {
          failure = `compression skipped for ${req.path}: ${compression.reason}`;
          state.recordFailure(failure);
        }
      }
    }

    // Without a readable conversation (compression off, or a body it could not read) the request
    // goes as it came; so does one that cannot be aligned or given the retrieve tool.
    const upstream = upstreamFor(state, provider);
    let usage: ProviderUsage | undefined;
    const send = conversation && rewritten(conversation);
    if (send) usage = await send();
    else usage = await forward(req, res, { upstream, body: raw, rewritten: false });

    function rewritten(parsed: Conversation): (() => Promise<ProviderUsage | undefined>) | undefined {
      try {
        return rewrite(parsed);
      } catch (error) {
        failure = `request sent unchanged for ${req.path}: ${errorMessage(error)}`;
        state.recordFailure(failure);
        compressed = undefined;
        conversation = undefined;
        return undefined;
      }
    }

    /** The aligned request with the retrieve tool, built now (a bad shape throws here, before anything is sent). */
    function rewrite(parsed: Conversation): () => Promise<ProviderUsage | undefined> {
      if (format === 'anthropic') {
        const aligned = alignAnthropicRequest(parsed as AnthropicRequest['body']);
        if (retrieval === 'count-only') {
          const body = Buffer.from(JSON.stringify(aligned));
          return () => forward(req, res, { upstream, body, rewritten: true });
        }
        const body = { ...aligned, tools: withRetrieveTool(parsed.tools, anthropicRetrieveTool) };
        const url = upstreamUrl(upstream, req.originalUrl);
        const headers = upstreamHeaders(req, url, true, { 'accept-encoding': 'identity' });
        return () => messagesWithRetrieval({ res, state, url, headers, body });
      }
      const url = upstreamUrl(upstream, req.originalUrl);
      const headers = upstreamHeaders(req, url, true, { 'accept-encoding': 'identity' });
      const aligned = alignOpenAIRequest(parsed, format);
      if (format === 'openai-chat') {
        const body = {
          ...aligned,
          messages: aligned.messages as unknown[],
          tools: withRetrieveTool(parsed.tools, openaiChatRetrieveTool),
        };
        return () => chatWithRetrieval({ res, state, url, headers, body });
      }
      const body = {
        ...aligned,
        input: aligned.input as unknown[],
        tools: withRetrieveTool(parsed.tools, openaiResponsesRetrieveTool),
      };
      return () => responsesWithRetrieval({ res, state, url, headers, body });
    }
    if (req.path.endsWith('/count_tokens')) return;
    const model = usage?.model ?? modelOf(conversation ?? raw);
    const saved = (compressed?.items ?? [])
      .filter((i) => i.compressed)
      .map((i) => ({ tokensSaved: i.tokensBefore - i.tokensAfter, replay: i.cached }));
    const savings =
      usage &&
      estimateSavings(model, usage, saved, conversation ? retrieveToolTokens(format) : 0, compressed?.rewrittenTokens);
    state.recordRequest(
      {
        at: Date.now(),
        provider,
        path: req.path,
        status: res.statusCode,
        model,
        tokensBefore: compressed?.tokensBefore ?? 0,
        tokensAfter: compressed?.tokensAfter ?? 0,
        inputTokens: usage?.input,
        outputTokens: usage?.output,
        cacheReadTokens: usage?.cacheRead,
        cacheWriteTokens: usage?.cacheWrite,
        latencyMs: performance.now() - started,
        retrievals: state.totals.retrievals - retrievalsBefore,
        failure,
        savings,
        checkpoint: compressed?.checkpoint,
      },
      (compressed?.items ?? [])
        .filter((i) => i.compressed)
        .map((i) => ({
          hash: i.hash,
          tool: i.tool,
          kind: i.kind,
          tokensBefore: i.tokensBefore,
          tokensAfter: i.tokensAfter,
          preview: state.store.preview(i.hash, PREVIEW_LENGTH),
        })),
    );
  };
}

const RETRIEVE_TOOLS = {
  anthropic: anthropicRetrieveTool,
  'openai-chat': openaiChatRetrieveTool,
  'openai-responses': openaiResponsesRetrieveTool,
} satisfies Record<MessageFormat, unknown>;
const retrieveToolSizes = new Map<MessageFormat, number>();

/** Tokens the retrieve tool's definition adds to every request it is sent with. */
function retrieveToolTokens(format: MessageFormat): number {
  let tokens = retrieveToolSizes.get(format);
  if (tokens === undefined) {
    tokens = countTokens(JSON.stringify(RETRIEVE_TOOLS[format]));
    retrieveToolSizes.set(format, tokens);
  }
  return tokens;
}

/** The model named in the request, for pricing when the answer did not say. */
function modelOf(body: Buffer | Record<string, unknown>): string | undefined {
  if (!Buffer.isBuffer(body)) return typeof body.model === 'string' ? body.model : undefined;
  return /"model"\s*:\s*"([^"]{1,100})"/.exec(body.subarray(0, 4096).toString('utf8'))?.[1];
}

async function bodyOrReply(req: Request, res: Response, state: ProxyState): Promise<Buffer | undefined> {
  try {
    return await readBody(req, state.config.bodyLimit);
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      res.status(413).json({
        type: 'error',
        error: {
          type: 'request_too_large',
          message: `Headroom accepts request bodies up to ${Math.round(error.limit / 1024 / 1024)} MB.`,
        },
      });
    } else {
      res.destroy();
    }
    return undefined;
  }
}

/** Anthropic's clients always send anthropic-version; OpenAI's never do. */
function providerOf(req: Request): Provider {
  return req.headers['anthropic-version'] !== undefined ||
    req.path.startsWith('/v1/messages') ||
    req.path.startsWith('/v1/complete')
    ? 'anthropic'
    : 'openai';
}

function upstreamFor(state: ProxyState, provider: Provider): string {
  return provider === 'anthropic' ? state.config.anthropicUpstream : state.config.openaiUpstream;
}
