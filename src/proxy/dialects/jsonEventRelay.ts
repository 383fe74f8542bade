import type { IncomingMessage } from 'node:http';
import type { Response } from 'express';
import { writeWithBackpressure } from '../retrieval/streamWriter';
import type { RoundUsage } from '../retrieval/usage';
import { SseParser, type SseEvent } from '../sse';
import type { Json, StreamRelay } from './dialect';

/**
 * What every dialect's stream relay shares: the client's response and the rounds' usage, the
 * upstream's events read with their JSON, and writes with backpressure.
 */
export abstract class JsonEventRelay implements StreamRelay {
  constructor(
    protected readonly res: Response,
    protected readonly usage: RoundUsage,
  ) {}

  abstract round(response: IncomingMessage, lastRound: boolean): Promise<Json | undefined>;

  /**
   * One upstream stream's events with their data parsed, as they arrive. An event whose data is
   * no JSON reaches the client as it came; one that `skip` names is dropped (the relay writes
   * its own, as Chat's `[DONE]`).
   */
  protected async *events(
    response: IncomingMessage,
    skip?: (data: string) => boolean,
  ): AsyncGenerator<{ event: SseEvent; data: Json }> {
    const parser = new SseParser();
    response.setEncoding('utf8');
    for await (const chunk of response) {
      for (const event of parser.push(chunk as string)) {
        if (skip?.(event.data)) continue;
        let data: Json;
        try {
          data = JSON.parse(event.data) as Json;
        } catch {
          await this.write(event.raw);
          continue;
        }
        yield { event, data };
      }
    }
  }

  protected write(text: string): Promise<void> {
    return writeWithBackpressure(this.res, text);
  }
}
