import * as z from 'zod/mini';
import type { RetrieveOptions, RetrieveOutcome } from '../core/retrieve';
import type { TextCompression } from '../core/types';
import { API_TOKEN_HEADER } from './apiToken';
import { SseParser } from './sse';
import {
  healthResponseSchema,
  itemsResponseSchema,
  parseWith,
  requestEventSchema,
  retrieveOutcomeSchema,
  sharedEntrySchema,
  sharedListingSchema,
  sharedPutSchema,
  statsResponseSchema,
  textCompressionSchema,
  toggleResponseSchema,
  type CompressRequest,
  type HealthResponse,
  type ItemsQuery,
  type ItemsResponse,
  type RequestEvent,
  type SeriesBucket,
  type SharedEntry,
  type SharedListing,
  type SharedPut,
  type ShareRequest,
  type StatsResponse,
  type ToggleResponse,
} from './api';

/** The proxy answered, but not with success; `status` and the proxy's own words are kept. */
export class LoopbackError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A typed client for a running proxy's `/headroom/*` API. The extension, the MCP server and
 * the CLI use it so that one process, the proxy, writes the store. Every answer is read
 * through its schema: a proxy of another version that answers differently is an error that
 * says what did not fit, never a wrong value.
 */
export class LoopbackClient {
  /** `apiToken` is the proxy's secret (from its discovery file or its ready message); health needs none. */
  constructor(
    readonly url: string,
    private readonly apiToken = '',
  ) {}

  health(timeoutMs = 2_000): Promise<HealthResponse> {
    return this.json(healthResponseSchema, '/headroom/health', { signal: AbortSignal.timeout(timeoutMs) });
  }

  stats(bucket: SeriesBucket = 'hour'): Promise<StatsResponse> {
    return this.json(statsResponseSchema, `/headroom/stats?bucket=${bucket}`);
  }

  items(query: ItemsQuery = {}): Promise<ItemsResponse> {
    return this.json(itemsResponseSchema, `/headroom/items?${searchParams(query)}`);
  }

  /** The whole original behind a hash, or undefined when the store no longer has it. */
  async original(hash: string): Promise<string | undefined> {
    const response = await this.fetch(`/headroom/items/${encodeURIComponent(hash)}`);
    if (response.status === 404) return undefined;
    if (!response.ok) throw new LoopbackError(response.status, await response.text());
    return response.text();
  }

  /** Turns compression on or off, or flips it when `enabled` is not given. */
  toggle(enabled?: boolean): Promise<ToggleResponse> {
    return this.json(toggleResponseSchema, '/headroom/toggle', postJson(enabled === undefined ? {} : { enabled }));
  }

  compress(request: CompressRequest): Promise<TextCompression> {
    return this.json(textCompressionSchema, '/headroom/compress', postJson(request));
  }

  /** The original or a part of it; an unknown hash is an outcome (`ok: false`), not an error. */
  retrieve(hash: string, options: RetrieveOptions = {}): Promise<RetrieveOutcome> {
    return this.json(
      retrieveOutcomeSchema,
      `/headroom/retrieve/${encodeURIComponent(hash)}?${searchParams(options)}`,
      {},
      [404],
    );
  }

  share(request: ShareRequest): Promise<SharedPut> {
    const { key, ...rest } = request;
    return this.json(sharedPutSchema, `/headroom/shared/${encodeURIComponent(key)}`, {
      ...postJson(rest),
      method: 'PUT',
    });
  }

  /** The shared entry under `key`, or undefined when there is none. */
  async shared(key: string, options: { original?: boolean } = {}): Promise<SharedEntry | undefined> {
    const found = await this.json(
      z.union([sharedEntrySchema, z.object({ error: z.string() })]),
      `/headroom/shared/${encodeURIComponent(key)}${options.original ? '?original=1' : ''}`,
      {},
      [404],
    );
    return 'error' in found ? undefined : found;
  }

  sharedList(): Promise<SharedListing[]> {
    return this.json(z.array(sharedListingSchema), '/headroom/shared');
  }

  /**
   * Calls `onRequest` for every request the proxy finishes until `signal` aborts or the
   * proxy goes away; resolves then (the caller decides whether to reconnect).
   */
  async events(onRequest: (event: RequestEvent) => void, signal: AbortSignal): Promise<void> {
    const response = await this.fetch('/headroom/events', { signal });
    if (!response.ok || !response.body) throw new LoopbackError(response.status, 'the proxy refused its event stream');
    const decoder = new TextDecoder();
    const parser = new SseParser();
    try {
      for await (const chunk of response.body) {
        for (const event of parser.push(decoder.decode(chunk as Uint8Array, { stream: true }))) {
          if (event.event === 'request')
            onRequest(parsed(requestEventSchema, JSON.parse(event.data), '/headroom/events'));
        }
      }
    } catch (error) {
      if (!signal.aborted) throw error;
    }
  }

  private fetch(path: string, init: RequestInit = {}): Promise<globalThis.Response> {
    const headers = new Headers(init.headers);
    headers.set(API_TOKEN_HEADER, this.apiToken);
    return fetch(`${this.url}${path}`, { ...init, headers });
  }

  private async json<T>(
    schema: z.ZodMiniType<T>,
    path: string,
    init: RequestInit = {},
    acceptedStatuses: readonly number[] = [],
  ): Promise<T> {
    const response = await this.fetch(path, init);
    if (!response.ok && !acceptedStatuses.includes(response.status))
      throw new LoopbackError(response.status, await refusal(response));
    return parsed(schema, await response.json(), path);
  }
}

/** An answer read through its schema, or an error naming what did not fit. */
function parsed<T>(schema: z.ZodMiniType<T>, value: unknown, path: string): T {
  const result = parseWith(schema, value);
  if (result.ok) return result.value;
  throw new LoopbackError(
    200,
    `the Headroom proxy answered ${path} in a shape this version does not read (${result.issues})`,
  );
}

/** The proxy's own words when it says why (`{"error": …}`), else the status and body. */
async function refusal(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const { error } = JSON.parse(text) as { error?: unknown };
    if (typeof error === 'string') return error;
  } catch {
    // Not JSON: the body itself is the best account.
  }
  return `the Headroom proxy at ${response.url} answered ${response.status}: ${text}`;
}

function postJson(body: unknown): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function searchParams(values: object): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(values))
    if (value !== undefined && value !== '') query.set(key, String(value));
  return query.toString();
}
