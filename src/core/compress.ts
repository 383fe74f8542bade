import { IDENTIFIER, isCodeLike } from './identifiers';
import { compressText } from './compressText';
import { CopyOnWrite } from './messages/copyOnWrite';
import { detectFormat, FORMATS, type MessageFormat, type ToolOutputSlot } from './messages/formats';
import type { EngineOptions, IdentifierSet, TextCompression } from './types';
import {
  DEFAULT_HISTORY,
  historyBoundary,
  historyReach,
  modelTurns,
  type HistoryPlan,
  type HistorySettings,
} from './historyBoundary';

export interface CompressOptions extends Omit<EngineOptions, 'tool' | 'toolInput' | 'history' | 'focus'> {
  /** The request shape; detected from the messages when absent. */
  format?: MessageFormat;
  /**
   * Rewrite a long conversation's older tool outputs, compressed for the record, when the cost
   * model says it pays (see historyBoundary.ts); absent: every output as if just sent.
   */
  history?: Partial<HistorySettings>;
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
  /** Where history begins and ends, when `history` was asked for. */
  history?: HistoryPlan;
}

/**
 * Compresses the tool outputs in a conversation (Anthropic `tool_result` blocks, OpenAI
 * `role: "tool"` messages, Responses `function_call_output` items, Gemini `functionResponse`
 * parts) and nothing else. The
 * input is not modified; the result shares every untouched object with it, keeps message
 * order, tool call pairing and every other field, `cache_control` included.
 */
export async function compress<M>(messages: readonly M[], options: CompressOptions = {}): Promise<CompressResult<M>> {
  const format = options.format ?? detectFormat(messages);
  const adapter = FORMATS[format];
  const query = options.query ?? adapter.latestQuery(messages);
  const writer = new CopyOnWrite<M[]>(messages as M[]);
  const items: ItemStats[] = [];
  const { history: historyOptions, ...engine } = options;
  const slots = adapter.toolOutputs(messages);
  const settings = historyOptions && {
    ...DEFAULT_HISTORY,
    minTokens: engine.minTokens ?? DEFAULT_HISTORY.minTokens,
    ...historyOptions,
  };
  const current = new Map<ToolOutputSlot, TextCompression>();
  for (const slot of slots)
    current.set(slot, await compressText(slot.text, { ...engine, query, tool: slot.tool, toolInput: slot.input }));
  // Outputs that could be history are compressed as history too (memoised, so once each): what
  // that saves over their current form decides whether the boundary moves.
  const asHistory = new Map<ToolOutputSlot, TextCompression>();
  let plan: HistoryPlan | undefined;
  if (settings) {
    const reach = historyReach(messages, settings);
    const focus = reach > 0 ? laterIdentifiers(messages, settings.keepTurns) : undefined;
    const saved = new Float64Array(messages.length);
    for (const slot of slots) {
      const index = Number(slot.path[0]);
      if (index >= reach) continue;
      const result = await compressText(slot.text, {
        ...engine,
        query,
        tool: slot.tool,
        toolInput: slot.input,
        history: true,
        focus: focus?.(index),
      });
      asHistory.set(slot, result);
      saved[index] += current.get(slot)!.tokensAfter - result.tokensAfter;
    }
    plan = historyBoundary(messages, settings, saved, format === 'anthropic' ? 'lookback' : 'from-change');
  }
  for (const slot of slots) {
    const history = plan !== undefined && Number(slot.path[0]) < plan.before;
    const result = (history && asHistory.get(slot)) || current.get(slot)!;
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
    history: plan,
  };
}

/**
 * For a message, the identifiers the model used in its next `window` turns: every word of its
 * tool calls (the paths, functions and tests it acted on) and the code-like words of its text.
 * What the conversation went on to name is what history must keep. A fixed window, not all
 * that follows: those turns exist by the time an output can become history, so its history
 * form comes out the same whenever it is computed (after a restart, or once the memo lost it).
 */
function laterIdentifiers(messages: readonly unknown[], window: number): (index: number) => IdentifierSet {
  // Built on first use: outputs already compressed as history replay from the memo and never ask.
  let uses: Map<string, number[]> | undefined;
  const turns = modelTurns(messages);
  const build = () => {
    const found = new Map<string, number[]>();
    const note = (word: string, i: number) => {
      const list = found.get(word);
      if (!list) found.set(word, [i]);
      else if (list[list.length - 1] !== i) list.push(i);
    };
    for (const i of turns) {
      const { calls, prose } = modelWords(messages[i]);
      for (const [word] of calls.matchAll(IDENTIFIER)) note(word, i);
      for (const [word] of prose.matchAll(IDENTIFIER)) if (isCodeLike(word)) note(word, i);
    }
    return found;
  };
  return (index) => {
    const next = turns.findIndex((t) => t > index);
    const end = next < 0 ? -1 : turns[Math.min(turns.length - 1, next + window - 1)];
    return { has: (word) => ((uses ??= build()).get(word) ?? []).some((i) => i > index && i <= end) };
  };
}

/** A model message's tool calls and its prose, as text, in any of the request shapes. */
function modelWords(message: unknown): { calls: string; prose: string } {
  const m = message as Record<string, unknown>;
  if (m.type === 'function_call' || m.type === 'custom_tool_call') return { calls: JSON.stringify(m), prose: '' };
  const list = Array.isArray(m.content) ? m.content : Array.isArray(m.parts) ? m.parts : [];
  const parts = list as Array<Record<string, unknown>>;
  const isCall = (p: Record<string, unknown> | undefined) => p?.type === 'tool_use' || p?.functionCall !== undefined;
  const calls = [...parts.filter(isCall), ...(Array.isArray(m.tool_calls) ? m.tool_calls : [])];
  const prose = typeof m.content === 'string' ? m.content : JSON.stringify(parts.filter((p) => !isCall(p)));
  return { calls: JSON.stringify(calls), prose };
}
