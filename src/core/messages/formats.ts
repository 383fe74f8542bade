import type { Path } from './copyOnWrite';
import { isRecord } from '../../shared/isRecord';

export type MessageFormat = 'anthropic' | 'openai-chat' | 'openai-responses' | 'gemini';

/** One tool output inside a request, and where its text sits. */
export interface ToolOutputSlot {
  text: string;
  tool?: string;
  /** The arguments of the call that produced the output. */
  input?: unknown;
  path: Path;
}

export interface FormatAdapter {
  toolOutputs(messages: readonly unknown[]): ToolOutputSlot[];
  /** The user's latest typed words, the question compression keeps relevant content for. */
  latestQuery(messages: readonly unknown[]): string | undefined;
}

type Obj = Record<string, unknown>;
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Claude Code wraps injected context in these tags; it is not the user's question. */
function stripReminders(text: string): string {
  return text.replace(/<system-reminder>[\s\S]*?<\/system-reminder>/g, '').trim();
}

function textParts(content: unknown, partType: string): string {
  if (typeof content === 'string') return content;
  return asArray(content)
    .filter((p): p is Obj => isRecord(p) && p.type === partType && typeof p.text === 'string')
    .map((p) => p.text as string)
    .join('\n');
}

function latestUserText(messages: readonly unknown[], partType: string): string | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (!isRecord(m) || m.role !== 'user') continue;
    const text = stripReminders(textParts(m.content, partType));
    if (text) return text;
  }
  return undefined;
}

interface ToolCall {
  tool: string;
  input?: unknown;
}

/** Arguments sent as a JSON string (OpenAI) are read as an object; a free-form input stays a string. */
export function parsedArguments(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return { input: value };
  }
}

/** The text of a tool output that is a string, or each text part of one that is a list. */
function slotsOf(content: unknown, path: Path, call: ToolCall | undefined, partType: string): ToolOutputSlot[] {
  const { tool, input } = call ?? {};
  if (typeof content === 'string') return [{ text: content, tool, input, path }];
  return asArray(content).flatMap((part, k) =>
    isRecord(part) && part.type === partType && typeof part.text === 'string'
      ? [{ text: part.text, tool, input, path: [...path, k, 'text'] }]
      : [],
  );
}

export const anthropicFormat: FormatAdapter = {
  toolOutputs(messages) {
    const calls = new Map<string, ToolCall>();
    const slots: ToolOutputSlot[] = [];
    messages.forEach((m, i) => {
      if (!isRecord(m)) return;
      asArray(m.content).forEach((block, j) => {
        if (!isRecord(block)) return;
        if (block.type === 'tool_use' && typeof block.id === 'string' && typeof block.name === 'string')
          calls.set(block.id, { tool: block.name, input: block.input });
        if (m.role === 'user' && block.type === 'tool_result') {
          const call = typeof block.tool_use_id === 'string' ? calls.get(block.tool_use_id) : undefined;
          slots.push(...slotsOf(block.content, [i, 'content', j, 'content'], call, 'text'));
        }
      });
    });
    return slots;
  },
  latestQuery: (messages) => latestUserText(messages, 'text'),
};

export const openaiChatFormat: FormatAdapter = {
  toolOutputs(messages) {
    const calls = new Map<string, ToolCall>();
    const slots: ToolOutputSlot[] = [];
    messages.forEach((m, i) => {
      if (!isRecord(m)) return;
      for (const call of asArray(m.tool_calls)) {
        if (
          isRecord(call) &&
          typeof call.id === 'string' &&
          isRecord(call.function) &&
          typeof call.function.name === 'string'
        ) {
          calls.set(call.id, { tool: call.function.name, input: parsedArguments(call.function.arguments) });
        }
      }
      if (m.role === 'tool') {
        const call = typeof m.tool_call_id === 'string' ? calls.get(m.tool_call_id) : undefined;
        slots.push(...slotsOf(m.content, [i, 'content'], call, 'text'));
      }
    });
    return slots;
  },
  latestQuery: (messages) => latestUserText(messages, 'text'),
};

const RESPONSES_OUTPUT_TYPES = new Set(['function_call_output', 'custom_tool_call_output']);
const RESPONSES_CALL_TYPES = new Set(['function_call', 'custom_tool_call']);

export const openaiResponsesFormat: FormatAdapter = {
  toolOutputs(items) {
    const calls = new Map<string, ToolCall>();
    const slots: ToolOutputSlot[] = [];
    items.forEach((item, i) => {
      if (!isRecord(item)) return;
      if (
        RESPONSES_CALL_TYPES.has(item.type as string) &&
        typeof item.call_id === 'string' &&
        typeof item.name === 'string'
      ) {
        calls.set(item.call_id, { tool: item.name, input: parsedArguments(item.arguments ?? item.input) });
      }
      if (RESPONSES_OUTPUT_TYPES.has(item.type as string)) {
        const call = typeof item.call_id === 'string' ? calls.get(item.call_id) : undefined;
        slots.push(...slotsOf(item.output, [i, 'output'], call, 'input_text'));
      }
    });
    return slots;
  },
  latestQuery: (items) => latestUserText(items, 'input_text'),
};

/** Fields of a Gemini `functionResponse.response` that agents put the tool's text in (Gemini CLI: `output`). */
const GEMINI_OUTPUT_FIELDS = ['output', 'content', 'result', 'text'];

/** Gemini `contents`: model turns hold `functionCall` parts, the user turn after them `functionResponse` parts. */
export const geminiFormat: FormatAdapter = {
  toolOutputs(contents) {
    const calls = new Map<string, ToolCall>();
    const pending: ToolCall[] = [];
    const slots: ToolOutputSlot[] = [];
    contents.forEach((content, i) => {
      if (!isRecord(content)) return;
      asArray(content.parts).forEach((part, j) => {
        if (!isRecord(part)) return;
        const call = part.functionCall;
        if (isRecord(call) && typeof call.name === 'string') {
          const entry = { tool: call.name, input: call.args };
          if (typeof call.id === 'string') calls.set(call.id, entry);
          pending.push(entry);
        }
        const response = part.functionResponse;
        if (!isRecord(response) || !isRecord(response.response)) return;
        // Without ids, responses answer the calls of the turn before them in order.
        const byId = typeof response.id === 'string' ? calls.get(response.id) : undefined;
        const match = byId ?? pending.find((p) => p.tool === response.name);
        if (match) pending.splice(pending.indexOf(match), 1);
        const field = GEMINI_OUTPUT_FIELDS.find((f) => typeof (response.response as Obj)[f] === 'string');
        if (field)
          slots.push({
            text: (response.response as Obj)[field] as string,
            tool: match?.tool ?? (typeof response.name === 'string' ? response.name : undefined),
            input: match?.input,
            path: [i, 'parts', j, 'functionResponse', 'response', field],
          });
      });
    });
    return slots;
  },
  latestQuery(contents) {
    for (let i = contents.length - 1; i >= 0; i--) {
      const content = contents[i];
      if (!isRecord(content) || (content.role !== undefined && content.role !== 'user')) continue;
      const text = stripReminders(
        asArray(content.parts)
          .filter((p): p is Obj => isRecord(p) && typeof p.text === 'string' && p.thought !== true)
          .map((p) => p.text as string)
          .join('\n'),
      );
      if (text) return text;
    }
    return undefined;
  },
};

export const FORMATS: Record<MessageFormat, FormatAdapter> = {
  anthropic: anthropicFormat,
  'openai-chat': openaiChatFormat,
  'openai-responses': openaiResponsesFormat,
  gemini: geminiFormat,
};

/** A message or item the model wrote: an assistant message, a function call, a reasoning item. */
export function isModelMessage(message: unknown): boolean {
  if (!isRecord(message)) return false;
  return (
    message.role === 'assistant' ||
    message.role === 'model' ||
    message.type === 'function_call' ||
    message.type === 'custom_tool_call' ||
    message.type === 'reasoning'
  );
}

/** Tells the request shapes apart by the tool-call fields only each one has. */
export function detectFormat(messages: readonly unknown[]): MessageFormat {
  const items = messages.filter(isRecord);
  const responsesPart = (m: Obj) =>
    asArray(m.content).some((p) => isRecord(p) && (p.type === 'input_text' || p.type === 'output_text'));
  if (
    items.some(
      (m) =>
        RESPONSES_OUTPUT_TYPES.has(m.type as string) || RESPONSES_CALL_TYPES.has(m.type as string) || responsesPart(m),
    )
  )
    return 'openai-responses';
  if (items.some((m) => m.role === 'tool' || Array.isArray(m.tool_calls))) return 'openai-chat';
  if (items.some((m) => Array.isArray(m.parts) && m.content === undefined)) return 'gemini';
  return 'anthropic';
}
