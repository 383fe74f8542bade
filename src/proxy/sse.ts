export interface SseEvent {
  event: string;
  data: string;
  /** The event exactly as received, blank line included, for forwarding untouched. */
  raw: string;
}

/** Incremental server-sent-events parser: feed it chunks as they arrive, get whole events back. */
export class SseParser {
  private buffer = '';

  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const events: SseEvent[] = [];
    for (;;) {
      const match = /\r?\n\r?\n/.exec(this.buffer);
      if (!match) break;
      const end = match.index + match[0].length;
      const raw = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end);
      events.push(parseEvent(raw));
    }
    return events;
  }

  /** Whatever was left without a closing blank line when the stream ended. */
  rest(): string {
    return this.buffer;
  }
}

function parseEvent(raw: string): SseEvent {
  let event = 'message';
  const data: string[] = [];
  for (const line of raw.split(/\r?\n/)) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  return { event, data: data.join('\n'), raw };
}

export function formatEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
