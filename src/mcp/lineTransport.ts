import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  JSONRPCMessageSchema,
  JSONRPCNotificationSchema,
  JSONRPCRequestSchema,
  type JSONRPCMessage,
} from '@modelcontextprotocol/sdk/types.js';
import { isRecord } from '../shared/isRecord';
import { LineSplitter } from '../shared/lineSplitter';

/** JSON-RPC 2.0's error codes for a malformed request and for parameters that do not fit. */
const INVALID_REQUEST = -32600;
const INVALID_PARAMS = -32602;

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

  private readonly lines: LineSplitter;
  private closed = false;

  constructor(
    private readonly input: NodeJS.ReadableStream,
    private readonly output: NodeJS.WritableStream,
    private readonly maxMessageBytes: number,
  ) {
    this.lines = new LineSplitter(maxMessageBytes);
  }

  async start(): Promise<void> {
    this.input.on('data', this.onData);
    this.input.on('error', this.onInputError);
    this.input.on('end', this.onEnd);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new Error('the MCP connection is closed');
    if (!this.output.write(`${JSON.stringify(readableError(message))}\n`))
      await new Promise((resolve) => this.output.once('drain', resolve));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.input.off('data', this.onData);
    this.input.off('error', this.onInputError);
    this.input.off('end', this.onEnd);
    // Reading stops too, so an input still open (a client that never closes stdin) does not keep the process alive.
    this.input.pause();
    this.onclose?.();
  }

  private readonly onData = (data: Buffer | string): void => {
    for (const line of this.lines.push(typeof data === 'string' ? Buffer.from(data) : data)) {
      if (line !== 'overlong') this.dispatch(line);
      else this.onerror?.(new Error(`skipped a message over ${Math.round(this.maxMessageBytes / 1024 / 1024)} MB`));
    }
  };

  private dispatch(line: Buffer): void {
    const text = line.toString('utf8').replace(/\r$/, '');
    if (text.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      this.onerror?.(new Error(`skipped a line that is not JSON: ${(error as Error).message}`));
      return;
    }
    const message = JSONRPCMessageSchema.safeParse(withoutNullArguments(json));
    if (message.success) return this.onmessage?.(message.data);
    // The union's own issue says only "invalid input"; the shape the message meant to have says what is wrong.
    const meant =
      isRecord(json) && 'method' in json
        ? 'id' in json
          ? JSONRPCRequestSchema
          : JSONRPCNotificationSchema
        : undefined;
    const problem = describeIssues(meant?.safeParse(json).error?.issues ?? message.error.issues);
    this.onerror?.(new Error(`skipped a message that is not JSON-RPC: ${problem}`));
    // A request that can be answered is: its sender would wait forever for a reply that never comes.
    const id = isRecord(json) ? json.id : undefined;
    if (typeof id === 'string' || typeof id === 'number')
      void this.send({ jsonrpc: '2.0', id, error: { code: INVALID_REQUEST, message: `Invalid request: ${problem}` } });
  }

  private readonly onInputError = (error: Error): void => {
    this.onerror?.(error);
  };

  private readonly onEnd = (): void => {
    void this.close();
  };
}

type Issue = { path: PropertyKey[]; message: string };

const describeIssues = (issues: readonly Issue[]) =>
  issues.map((issue) => `${issue.path.map(String).join('.') || 'message'}: ${issue.message}`).join('; ');

/** `arguments: null` is a call without arguments; the tool then says which one it needs. */
function withoutNullArguments(json: unknown): unknown {
  if (!isRecord(json) || !isRecord(json.params) || json.params.arguments !== null) return json;
  const { arguments: _none, ...params } = json.params;
  return { ...json, params };
}

/**
 * The SDK answers parameters that fail its request schemas with the schema library's issue
 * list as the message (a JSON dump, as an internal error); the client gets them as one
 * sentence per issue, as invalid parameters.
 */
function readableError(message: JSONRPCMessage): JSONRPCMessage {
  if (!('error' in message) || !message.error.message.startsWith('[')) return message;
  let issues: unknown;
  try {
    issues = JSON.parse(message.error.message);
  } catch {
    return message;
  }
  const listed =
    Array.isArray(issues) &&
    issues.length > 0 &&
    issues.every((issue) => isRecord(issue) && Array.isArray(issue.path) && typeof issue.message === 'string');
  if (!listed) return message;
  return {
    ...message,
    error: { code: INVALID_PARAMS, message: `Invalid params: ${describeIssues(issues as Issue[])}` },
  };
}
