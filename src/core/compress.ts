import { compressText } from './compressText';
import { CopyOnWrite } from './messages/copyOnWrite';
import { detectFormat, FORMATS, type MessageFormat } from './messages/formats';
import type { EngineOptions, TextCompression } from './types';

export interface CompressOptions extends Omit<EngineOptions, 'tool'> {
  /** The request shape; detected from the messages when absent. */
  format?: MessageFormat;
}

export interface ItemStats extends Omit<TextCompression, 'text'> {
  /** Where the tool output sits, as a path into the messages array. */
  path: ReadonlyArray<string | number>;
  tool?: string;
}

export interface CompressResult<M> {
  messages: M[];
  format: MessageFormat;
  items: ItemStats[];
  tokensBefore: number;
  tokensAfter: number;
}

/**
 * Compresses the tool outputs in a conversation (Anthropic `tool_result` blocks, OpenAI
 * `role: "tool"` messages, Responses `function_call_output` items) and nothing else. The
 * input is not modified; the result shares every untouched object with it, keeps message
 * order, tool call pairing and every other field, `cache_control` included.
 */
export async function compress<M>(messages: readonly M[], options: CompressOptions = {}): Promise<CompressResult<M>> {
  const format = options.format ?? detectFormat(messages);
  const adapter = FORMATS[format];
  const query = options.query ?? adapter.latestQuery(messages);
  const writer = new CopyOnWrite<M[]>(messages as M[]);
  const items: ItemStats[] = [];
  for (const slot of adapter.toolOutputs(messages)) {
    const result = await compressText(slot.text, { ...options, query, tool: slot.tool });
    const { text, ...stats } = result;
    if (result.compressed) writer.set(slot.path, text);
    items.push({ ...stats, path: slot.path, tool: slot.tool });
  }
  return {
    messages: writer.value,
    format,
    items,
    tokensBefore: items.reduce((sum, i) => sum + i.tokensBefore, 0),
    tokensAfter: items.reduce((sum, i) => sum + i.tokensAfter, 0),
  };
}
