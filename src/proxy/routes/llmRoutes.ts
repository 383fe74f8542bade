import { Router, type Request, type Response } from 'express';
import { countTokens } from '../../core/tokens';
import { DEFAULT_GEMINI_UPSTREAM } from '../../shared/defaults';
import { errorMessage } from '../../shared/errorMessage';
import { PREVIEW_LENGTH } from '../../store/schema';
import { compressRequestBody, type CompressedRequest, type ReadConversation } from '../compressRequest';
import type { Dialect, Provider, Retrieval } from '../dialects/dialect';
import { conversationRoute } from '../dialects/dialects';
import { GEMINI_PATH } from '../dialects/gemini';
import { errorBodyFor } from '../errorShape';
import type { ProxyState } from '../proxyState';
import { requesterOf } from '../teamAccess';
import { BodyTooLarge, readBody } from '../readBody';
import { answerWithRetrieval } from '../retrieval/retrievalLoop';
import { estimateSavings } from '../savingsEstimate';
import { forward, upstreamHeaders, upstreamUrl } from '../upstream';
import type { ProviderUsage } from '../usageObserver';

/**
 * The provider APIs: requests that carry a conversation get their tool outputs compressed,
 * everything else under a provider's prefix passes through untouched to the provider it belongs to.
 */
export function llmRoutes(state: ProxyState): Router {
  const router = Router();
  router.post('/{*rest}', async (req, res, next) => {
    const route = conversationRoute(req.path, queryOf(req));
    if (!route) return next();
    await answerConversation(state, route.dialect, route.retrieval, req, res);
  });
  router.all(['/v1/{*rest}', '/v1beta/{*rest}', '/v1alpha/{*rest}'], async (req, res) => {
    const body = await bodyOrReply(req, res, state);
    if (body) await forward(req, res, { upstream: upstreamFor(state, providerOf(req)), body, rewritten: false });
  });
  return router;
}

const queryOf = (req: Request) => new URLSearchParams(req.originalUrl.split('?')[1] ?? '');

async function answerConversation(
  state: ProxyState,
  dialect: Dialect,
  retrieval: Retrieval,
  req: Request,
  res: Response,
): Promise<void> {
  const started = performance.now();
  const raw = await bodyOrReply(req, res, state);
  if (!raw) return;
  state.totals.requests++;
  const retrievalsBefore = state.totals.retrievals;
  let compressed: CompressedRequest | undefined;
  let read: ReadConversation | undefined;
  let failure: string | undefined;
  if (state.compressionEnabled && raw.length > 0) {
    const compression = await compressRequestBody(dialect, raw, req.headers['content-encoding'], state);
    if (compression.outcome === 'too-large') return replyTooLarge(req, res, compression.limit);
    if (compression.outcome === 'compressed') {
      compressed = compression.request;
      read = compressed;
      state.totals.compressedRequests++;
      state.totals.tokensBefore += compressed.tokensBefore;
      state.totals.tokensAfter += compressed.tokensAfter;
      state.totals.compressedItems += compressed.items.filter((i) => i.compressed && !i.cached).length;
      if (compressed.checkpoint) state.totals.checkpoints++;
    } else {
      read = compression.read;
      if (compression.outcome === 'failed') {
        failure = `compression skipped for ${req.path}: ${compression.reason}`;
        state.recordFailure(failure);
      }
    }
  }

  // Without a readable conversation (compression off, or a body it could not read) the request
  // goes as it came; so does one that cannot be aligned or given the retrieve tool.
  const upstream = upstreamFor(state, dialect.provider);
  let send: (() => Promise<ProviderUsage | undefined>) | undefined;
  if (read) {
    try {
      send = rewritten(read);
    } catch (error) {
      failure = `request sent unchanged for ${req.path}: ${errorMessage(error)}`;
      state.recordFailure(failure);
      compressed = undefined;
      read = undefined;
    }
  }
  const usage = send
    ? await send()
    : await forward(req, res, { upstream, body: raw, rewritten: false, readUsage: dialect.readUsage });

  /** The rewritten request, built now (a bad shape throws here, before anything is sent). */
  function rewritten({ parsed, serialise }: ReadConversation): () => Promise<ProviderUsage | undefined> {
    const aligned = dialect.align(parsed);
    const body = retrieval === 'count-only' ? aligned : dialect.withRetrieveTool(aligned);
    const bytes = serialise(body);
    if (retrieval === 'count-only')
      return () => forward(req, res, { upstream, body: bytes, rewritten: true, readUsage: dialect.readUsage });
    const url = upstreamUrl(upstream, req.originalUrl);
    const headers = upstreamHeaders(req, url, true, { 'accept-encoding': 'identity' });
    return () => answerWithRetrieval(dialect, { res, state, url, headers, body, bytes, serialise });
  }

  if (retrieval === 'count-only') return;
  const model = usage?.model ?? modelOf(read?.parsed ?? raw);
  const saved = (compressed?.items ?? [])
    .filter((i) => i.compressed)
    .map((i) => ({ tokensSaved: i.tokensBefore - i.tokensAfter, replay: i.cached }));
  const savings =
    usage && estimateSavings(model, usage, saved, read ? retrieveToolTokens(dialect) : 0, compressed?.rewrittenTokens);
  const items = await Promise.all(
    (compressed?.items ?? [])
      .filter((i) => i.compressed)
      .map(async (i) => ({
        hash: i.hash,
        tool: i.tool,
        kind: i.kind,
        tokensBefore: i.tokensBefore,
        tokensAfter: i.tokensAfter,
        preview: await state.store.preview(i.hash, PREVIEW_LENGTH),
      })),
  );
  await state.recordRequest(
    {
      at: Date.now(),
      provider: dialect.provider,
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
      ...requesterOf(res),
    },
    items,
  );
}

const retrieveToolSizes = new Map<Dialect, number>();

/** Tokens the retrieve tool's definition adds to every request it is sent with. */
function retrieveToolTokens(dialect: Dialect): number {
  let tokens = retrieveToolSizes.get(dialect);
  if (tokens === undefined) {
    tokens = countTokens(JSON.stringify(dialect.retrieveTool));
    retrieveToolSizes.set(dialect, tokens);
  }
  return tokens;
}

/** The model named in the request (or, for Gemini, its path), for pricing when the answer did not say. */
function modelOf(body: Buffer | Record<string, unknown>): string | undefined {
  if (!Buffer.isBuffer(body)) return typeof body.model === 'string' ? body.model : undefined;
  return /"model"\s*:\s*"([^"]{1,100})"/.exec(body.subarray(0, 4096).toString('utf8'))?.[1];
}

async function bodyOrReply(req: Request, res: Response, state: ProxyState): Promise<Buffer | undefined> {
  try {
    return await readBody(req, state.config.bodyLimit);
  } catch (error) {
    if (error instanceof BodyTooLarge) replyTooLarge(req, res, error.limit);
    else res.destroy();
    return undefined;
  }
}

function replyTooLarge(req: Request, res: Response, limit: number): void {
  const size = limit >= 1024 * 1024 ? `${Math.round(limit / 1024 / 1024)} MB` : `${limit} bytes`;
  const message = `Headroom accepts request bodies up to ${size}, decoded.`;
  res.status(413).json(errorBodyFor(req.path, message, 'request_too_large'));
}

/** Anthropic's clients always send anthropic-version, Google's an x-goog-api-key or a versioned model path; OpenAI's neither. */
function providerOf(req: Request): Provider {
  if (req.headers['x-goog-api-key'] !== undefined || GEMINI_PATH.test(req.path)) return 'gemini';
  return req.headers['anthropic-version'] !== undefined ||
    req.path.startsWith('/v1/messages') ||
    req.path.startsWith('/v1/complete')
    ? 'anthropic'
    : 'openai';
}

function upstreamFor(state: ProxyState, provider: Provider): string {
  const { config } = state;
  if (provider === 'gemini') return config.geminiUpstream ?? DEFAULT_GEMINI_UPSTREAM;
  return provider === 'anthropic' ? config.anthropicUpstream : config.openaiUpstream;
}
