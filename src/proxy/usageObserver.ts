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

/** A dialect's reader of its usage block (see dialects/dialect.ts). */
export type UsageReader = (usage: unknown, model?: string) => ProviderUsage | undefined;

/**
 * Watches a response go by and picks out the provider's usage figures: from the JSON body,
 * or from the stream's events (Anthropic's message_start and message_delta, OpenAI's final
 * chunk, Responses' response.completed, Gemini's last chunk), read by the API's dialect. It
 * never changes what the client receives.
 */
export class UsageObserver {
  private readonly stream: boolean;
  private readonly parser = new SseParser();
  private readonly decoder = new TextDecoder();
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private merged: Json = {};
  private model: string | undefined;
  /** The last complete usage block seen (OpenAI, Responses, Gemini report one at the end). */
  private latest: Json | undefined;

  constructor(
    contentType: string | undefined,
    private readonly read: UsageReader,
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
        const model = typeof body.model === 'string' ? body.model : body.modelVersion;
        return this.read(body.usage ?? body.usageMetadata, typeof model === 'string' ? model : undefined);
      } catch {
        return undefined;
      }
    }
    if (this.latest) return this.read(this.latest, this.model);
    return Object.keys(this.merged).length > 0 ? this.read(this.merged, this.model) : undefined;
  }

  private take(data: Json): void {
    const message = data.message as Json | undefined;
    const response = data.response as Json | undefined;
    if (typeof data.model === 'string') this.model = data.model;
    if (typeof data.modelVersion === 'string') this.model = data.modelVersion;
    if (data.type === 'message_start' && message) {
      if (typeof message.model === 'string') this.model = message.model;
      Object.assign(this.merged, message.usage as Json | undefined);
    } else if (data.type === 'message_delta') {
      Object.assign(this.merged, data.usage as Json | undefined);
    } else if (data.type === 'response.completed' && response) {
      if (typeof response.model === 'string') this.model = response.model;
      this.latest = response.usage as Json | undefined;
    } else if (data.usage && typeof data.usage === 'object') {
      this.latest = data.usage as Json;
    } else if (data.usageMetadata && typeof data.usageMetadata === 'object') {
      this.latest = data.usageMetadata as Json;
    }
  }
}
