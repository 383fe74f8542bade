import type { Path } from './copyOnWrite';

export type MessageFormat = 'anthropic' | 'openai-chat' | 'openai-responses';

/** One tool output inside a request, and where its text sits. */
export interface ToolOutputSlot {
  text: string;
  tool?: string;
  path: Path;
}

export interface FormatAdapter {
  toolOutputs(messages: readonly unknown[]): ToolOutputSlot[];
  /** The user's latest typed words, the question compression keeps relevant content for. */
  latestQuery(messages: readonly unknown[]): string | undefined;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Claude Code wraps injected context in these tags; it is not the user's question. */
function stripReminders(text: string): string {
  return text.replace(/<system-reminder>[\s\S]*?<\/system-reminder>/g, '').trim();
}

function textParts(content: unknown, partType: string): string {
  if (typeof content === 'string') return content;
  return asArray(content)
    .filter((p): p is Obj => isObj(p) && p.type === partType && typeof p.text === 'string')
    .map((p) => p.text as string)
    .join('\n');
}

function latestUserText(messages: readonly unknown[], partType: string): string | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (!isObj(m) || m.role !== 'user') continue;
    const text = stripReminders(textParts(m.content, partType));
    if (text) return text;
  }
  return undefined;
}

/** The text of a tool output that is a string, or each text part of one that is a list. */
function slotsOf(content: unknown, path: Path, tool: string | undefined, partType: string): ToolOutputSlot[] {
  if (typeof content === 'string') return [{ text: content, tool, path }];
  return asArray(content).flatMap((part, k) =>
    isObj(part) && part.type === partType && typeof part.text === 'string' ? [{ text: part.text, tool, path: [...path, k, 'text'] }] : [],
  );
}

export const anthropicFormat: FormatAdapter = {
  toolOutputs(messages) {
    const names = new Map<string, string>();
    const slots: ToolOutputSlot[] = [];
    messages.forEach((m, i) => {
      if (!isObj(m)) return;
      asArray(m.content).forEach((block, j) => {
        if (!isObj(block)) return;
        if (block.type === 'tool_use' && typeof block.id === 'string' && typeof block.name === 'string') names.set(block.id, block.name);
        if (m.role === 'user' && block.type === 'tool_result') {
          const tool = typeof block.tool_use_id === 'string' ? names.get(block.tool_use_id) : undefined;
          slots.push(...slotsOf(block.content, [i, 'content', j, 'content'], tool, 'text'));
        }
      });
    });
    return slots;
  },
  latestQuery: (messages) => latestUserText(messages, 'text'),
};

export const openaiChatFormat: FormatAdapter = {
  toolOutputs(messages) {
    const names = new Map<string, string>();
    const slots: ToolOutputSlot[] = [];
    messages.forEach((m, i) => {
      if (!isObj(m)) return;
      for (const call of asArray(m.tool_calls)) {
        if (isObj(call) && typeof call.id === 'string' && isObj(call.function) && typeof call.function.name === 'string') names.set(call.id, call.function.name);
      }
      if (m.role === 'tool') {
        const tool = typeof m.tool_call_id === 'string' ? names.get(m.tool_call_id) : undefined;
        slots.push(...slotsOf(m.content, [i, 'content'], tool, 'text'));
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
    const names = new Map<string, string>();
    const slots: ToolOutputSlot[] = [];
    items.forEach((item, i) => {
      if (!isObj(item)) return;
      if (RESPONSES_CALL_TYPES.has(item.type as string) && typeof item.call_id === 'string' && typeof item.name === 'string') names.set(item.call_id, item.name);
      if (RESPONSES_OUTPUT_TYPES.has(item.type as string)) {
        const tool = typeof item.call_id === 'string' ? names.get(item.call_id) : undefined;
        slots.push(...slotsOf(item.output, [i, 'output'], tool, 'input_text'));
      }
    });
    return slots;
  },
  latestQuery: (items) => latestUserText(items, 'input_text'),
};

export const FORMATS: Record<MessageFormat, FormatAdapter> = {
  anthropic: anthropicFormat,
  'openai-chat': openaiChatFormat,
  'openai-responses': openaiResponsesFormat,
};

/** Tells the three request shapes apart by the tool-call fields only each one has. */
export function detectFormat(messages: readonly unknown[]): MessageFormat {
  const items = messages.filter(isObj);
  const responsesPart = (m: Obj) => asArray(m.content).some((p) => isObj(p) && (p.type === 'input_text' || p.type === 'output_text'));
  if (items.some((m) => RESPONSES_OUTPUT_TYPES.has(m.type as string) || RESPONSES_CALL_TYPES.has(m.type as string) || responsesPart(m))) return 'openai-responses';
  if (items.some((m) => m.role === 'tool' || Array.isArray(m.tool_calls))) return 'openai-chat';
  return 'anthropic';
}
