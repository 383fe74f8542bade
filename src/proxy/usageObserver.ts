import { SseParser } from './sse';

/** Token counts as the provider billed them, in one shape for Anthropic and OpenAI. */
export interface ProviderUsage {
  /** Input tokens billed at the full rate (not read from or written to the cache). */
  input: number;
  output: number;
  cacheRead: number;
  /** Tokens written to the cache, at any TTL. */
  cacheWrite: number;
  /** Of those, the ones written for an hour (Anthropic's `ttl: "1h"`), billed at twice the input rate. */
  cacheWrite1h: number;
  model?: string;
  /** When a retrieval loop answered, the usage of each upstream round after the first (included in the totals above). */
  laterRounds?: ProviderUsage[];
}

type Json = Record<string, unknown>;
const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/** Reads the usage block of any of the three APIs, whole or streamed. */
export function normaliseUsage(usage: unknown, model?: string): ProviderUsage | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  const u = usage as Json;
  if ('prompt_tokens' in u) {
    const cached = num((u.prompt_tokens_details as Json | undefined)?.cached_tokens);
    return {
      input: num(u.prompt_tokens) - cached,
      output: num(u.completion_tokens),
      cacheRead: cached,
      cacheWrite: 0,
      cacheWrite1h: 0,
      model,
    };
  }
  if ('input_tokens_details' in u) {
    const cached = num((u.input_tokens_details as Json | undefined)?.cached_tokens);
    return {
      input: num(u.input_tokens) - cached,
      output: num(u.output_tokens),
      cacheRead: cached,
      cacheWrite: 0,
      cacheWrite1h: 0,
      model,
    };
  }
  const cacheWrite1h = num((u.cache_creation as Json | undefined)?.ephemeral_1h_input_tokens);
  return {
    input: num(u.input_tokens),
    output: num(u.output_tokens),
    cacheRead: num(u.cache_read_input_tokens),
    cacheWrite: num(u.cache_creation_input_tokens),
    cacheWrite1h,
    model,
  };
}

/**
 * Watches a response go by and picks out the provider's usage figures: from the JSON body,
 * or from the stream's events (Anthropic's message_start and message_delta, OpenAI's final
 * chunk, Responses' response.completed). It never changes what the client receives.
 */
export class UsageObserver {
  private readonly stream: boolean;
  private readonly parser = new SseParser();
  private readonly decoder = new TextDecoder();
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private merged: Json = {};
  private model: string | undefined;
  private openai: Json | undefined;

  constructor(
    contentType: string | undefined,
    private readonly maxBuffered = 8 * 1024 * 1024,
  ) {
    this.stream = /event-stream/.test(contentType ?? '');
  }

  push(chunk: Buffer): void {
    if (!this.stream) {
      this.size += chunk.length;
      if (this.size <= this.maxBuffered) this.chunks.push(chunk);
      return;
    }
    for (const event of this.parser.push(this.decoder.decode(chunk, { stream: true }))) {
      let data: Json;
      try {
        data = JSON.parse(event.data) as Json;
      } catch {
        continue;
      }
      this.take(data);
    }
  }

  finish(): ProviderUsage | undefined {
    if (!this.stream) {
      if (this.size > this.maxBuffered || this.size === 0) return undefined;
      try {
        const body = JSON.parse(Buffer.concat(this.chunks).toString('utf8')) as Json;
        return normaliseUsage(body.usage, typeof body.model === 'string' ? body.model : undefined);
      } catch {
        return undefined;
      }
    }
    if (this.openai) return normaliseUsage(this.openai, this.model);
    return Object.keys(this.merged).length > 0 ? normaliseUsage(this.merged, this.model) : undefined;
  }

  private take(data: Json): void {
    const message = data.message as Json | undefined;
    const response = data.response as Json | undefined;
    if (typeof data.model === 'string') this.model = data.model;
    if (data.type === 'message_start' && message) {
      if (typeof message.model === 'string') this.model = message.model;
      Object.assign(this.merged, message.usage as Json | undefined);
    } else if (data.type === 'message_delta') {
      Object.assign(this.merged, data.usage as Json | undefined);
    } else if (data.type === 'response.completed' && response) {
      if (typeof response.model === 'string') this.model = response.model;
      this.openai = response.usage as Json | undefined;
    } else if (data.usage && typeof data.usage === 'object') {
      this.openai = data.usage as Json;
    }
  }
}
