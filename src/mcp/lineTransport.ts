import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

const NEWLINE = 0x0a;

/**
 * MCP's stdio framing (one JSON-RPC message per line) over any pair of streams, in linear
 * time. The SDK's stdio transport concatenates its whole buffer on every chunk and scans it
 * again for a newline, which takes seconds per message for the multi-megabyte tool outputs
 * Headroom is given, and closes the connection on a message over its size limit. Here a
 * message is assembled once from its chunks; a line that is too long, not JSON or not
 * JSON-RPC is reported through `onerror` and skipped, and the connection goes on.
 */
export class LineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Set while the rest of an oversized line is being skipped. */
  private skipping = false;
  private closed = false;

  constructor(
    private readonly input: NodeJS.ReadableStream,
    private readonly output: NodeJS.WritableStream,
    private readonly maxMessageBytes: number,
  ) {}

  async start(): Promise<void> {
    this.input.on('data', this.onData);
    this.input.on('error', this.onInputError);
    this.input.on('end', this.onEnd);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new Error('the MCP connection is closed');
    if (!this.output.write(`${JSON.stringify(message)}\n`))
      await new Promise((resolve) => this.output.once('drain', resolve));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.input.off('data', this.onData);
    this.input.off('error', this.onInputError);
    this.input.off('end', this.onEnd);
    this.pending = [];
    this.onclose?.();
  }

  private readonly onData = (data: Buffer | string): void => {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    let start = 0;
    for (let newline = chunk.indexOf(NEWLINE); newline !== -1; newline = chunk.indexOf(NEWLINE, start)) {
      this.take(chunk.subarray(start, newline));
      if (!this.skipping) this.dispatch(Buffer.concat(this.pending, this.pendingBytes));
      this.pending = [];
      this.pendingBytes = 0;
      this.skipping = false;
      start = newline + 1;
    }
    this.take(chunk.subarray(start));
  };

  private take(piece: Buffer): void {
    if (this.skipping || piece.length === 0) return;
    if (this.pendingBytes + piece.length > this.maxMessageBytes) {
      this.skipping = true;
      this.pending = [];
      this.pendingBytes = 0;
      this.onerror?.(new Error(`skipped a message over ${Math.round(this.maxMessageBytes / 1024 / 1024)} MB`));
      return;
    }
    this.pending.push(piece);
    this.pendingBytes += piece.length;
  }

  private dispatch(line: Buffer): void {
    const text = line.toString('utf8').replace(/\r$/, '');
    if (text.trim() === '') return;
    let message: JSONRPCMessage;
    try {
      message = JSONRPCMessageSchema.parse(JSON.parse(text));
    } catch (error) {
      this.onerror?.(
        new Error(
          `skipped a line that is not a JSON-RPC message: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
        ),
      );
      return;
    }
    this.onmessage?.(message);
  }

  private readonly onInputError = (error: Error): void => {
    this.onerror?.(error);
  };

  private readonly onEnd = (): void => {
    void this.close();
  };
}
