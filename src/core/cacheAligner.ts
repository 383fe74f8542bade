import { isRecord } from '../shared/isRecord';
/**
 * Agents put volatile values (times, dates, UUIDs, session ids, temp paths) into the system
 * prompt. The provider's prompt cache matches on an exact prefix (tools, then system, then
 * messages), so one changing value there makes the whole request a cache miss.
 *
 * The aligner replaces each such value in the system prompt with a numbered placeholder that
 * is the same on every request, and states the real values in a note appended as the very
 * last block of the request. That is after every cache breakpoint the client set, so the
 * note is never part of a cached prefix, and the next turn (which no longer carries it)
 * still reads this turn's prefix from the cache. Nothing is lost: the model reads each
 * placeholder's value from the note.
 */

const VOLATILE_PATTERNS: ReadonlyArray<[string, RegExp]> = [
  ['timestamp', /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\b/g],
  ['uuid', /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi],
  [
    'temp path',
    /(?:\/tmp|\/var\/folders|\/private\/var\/folders)\/[\w.\-/]*[\w\-/]|[A-Za-z]:\\Users\\[^\\\s]+\\AppData\\Local\\Temp\\[\w.\-\\]*[\w\-\\]/g,
  ],
  ['date', /\b\d{4}-\d{2}-\d{2}\b/g],
  ['time', /\b\d{2}:\d{2}:\d{2}\b/g],
  ['id', /\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{16,}\b/gi],
];

export interface AlignedValue {
  placeholder: string;
  kind: string;
  value: string;
}

export interface Alignment {
  /** The texts with every volatile value replaced by its placeholder. */
  texts: string[];
  values: AlignedValue[];
}

/** Replaces the volatile values in `texts` (in order) with placeholders ⟦1⟧, ⟦2⟧…, numbered by first appearance. */
export function alignTexts(texts: readonly string[]): Alignment {
  const values: AlignedValue[] = [];
  const byValue = new Map<string, string>();
  const out = texts.map((text) => {
    let result = text;
    for (const [kind, pattern] of VOLATILE_PATTERNS) {
      result = result.replace(pattern, (value) => {
        if (/^⟦\d+⟧$/.test(value)) return value;
        let placeholder = byValue.get(value);
        if (!placeholder) {
          placeholder = `⟦${values.length + 1}⟧`;
          byValue.set(value, placeholder);
          values.push({ placeholder, kind, value });
        }
        return placeholder;
      });
    }
    return result;
  });
  return { texts: out, values };
}

/** The note that carries the real values. */
export function valuesNote(values: readonly AlignedValue[]): string {
  const lines = values.map((v) => `${v.placeholder} = ${v.value}`);
  return `<headroom-values>\nPlaceholders like ⟦1⟧ in the system prompt stand for these values:\n${lines.join('\n')}\n</headroom-values>`;
}

type Obj = Record<string, unknown>;
const isTextBlock = (v: unknown): v is Obj & { text: string } =>
  isRecord(v) && v.type === 'text' && typeof v.text === 'string';

/**
 * Aligns an Anthropic Messages request body. Returns a new body that shares everything it
 * did not change with the input, or the input itself when its system prompt holds nothing
 * volatile or the request does not end with a user message to carry the note.
 */
export function alignAnthropicRequest<T extends Obj>(body: T): T {
  const { system, messages } = body;
  const last = Array.isArray(messages) ? messages[messages.length - 1] : undefined;
  if (!isRecord(last) || last.role !== 'user') return body;
  const systemTexts =
    typeof system === 'string' ? [system] : Array.isArray(system) ? system.filter(isTextBlock).map((b) => b.text) : [];
  const alignment = alignTexts(systemTexts);
  if (alignment.values.length === 0) return body;

  let next = 0;
  const alignedSystem =
    typeof system === 'string'
      ? alignment.texts[0]
      : (system as unknown[]).map((block) =>
          isTextBlock(block) ? { ...block, text: alignment.texts[next++] } : block,
        );
  const note = { type: 'text', text: valuesNote(alignment.values) };
  const content =
    typeof last.content === 'string'
      ? [{ type: 'text', text: last.content }, note]
      : [...(Array.isArray(last.content) ? last.content : []), note];
  return { ...body, system: alignedSystem, messages: [...(messages as unknown[]).slice(0, -1), { ...last, content }] };
}

const SYSTEM_ROLES = new Set(['system', 'developer']);

/** Text of a chat or Responses message that sits in the prefix: system and developer messages. */
function systemMessageSlots(messages: unknown[], partType: string): Array<{ index: number; texts: string[] }> {
  return messages.flatMap((m, index) => {
    if (!isRecord(m) || !SYSTEM_ROLES.has(String(m.role))) return [];
    if (typeof m.content === 'string') return [{ index, texts: [m.content] }];
    const parts = Array.isArray(m.content)
      ? m.content.filter(
          (p): p is Obj & { text: string } => isRecord(p) && p.type === partType && typeof p.text === 'string',
        )
      : [];
    return parts.length ? [{ index, texts: parts.map((p) => p.text) }] : [];
  });
}

function withTexts(message: Obj, texts: string[], partType: string): Obj {
  if (typeof message.content === 'string') return { ...message, content: texts[0] };
  let next = 0;
  return {
    ...message,
    content: (message.content as unknown[]).map((p) =>
      isRecord(p) && p.type === partType && typeof p.text === 'string' ? { ...p, text: texts[next++] } : p,
    ),
  };
}

/**
 * Aligns an OpenAI request (Chat Completions `messages`, or Responses `instructions` and
 * `input`), whose prompt cache also matches on an exact prefix. The note goes at the very
 * end: appended to a final user message, or, in Responses, as a user item of its own.
 */
export function alignOpenAIRequest<T extends Obj>(body: T, format: 'openai-chat' | 'openai-responses'): T {
  const field = format === 'openai-chat' ? 'messages' : 'input';
  const partType = format === 'openai-chat' ? 'text' : 'input_text';
  const list = body[field];
  if (!Array.isArray(list)) return body;
  const slots = systemMessageSlots(list, partType);
  const instructions =
    format === 'openai-responses' && typeof body.instructions === 'string' ? [body.instructions] : [];
  const alignment = alignTexts([...instructions, ...slots.flatMap((s) => s.texts)]);
  if (alignment.values.length === 0) return body;

  const aligned = [...list];
  let next = instructions.length;
  for (const slot of slots) {
    aligned[slot.index] = withTexts(
      list[slot.index] as Obj,
      alignment.texts.slice(next, next + slot.texts.length),
      partType,
    );
    next += slot.texts.length;
  }
  const note = valuesNote(alignment.values);
  const last = aligned[aligned.length - 1];
  if (isRecord(last) && last.role === 'user' && (last.type === undefined || last.type === 'message')) {
    aligned[aligned.length - 1] =
      typeof last.content === 'string'
        ? { ...last, content: `${last.content}\n\n${note}` }
        : { ...last, content: [...(last.content as unknown[]), { type: partType, text: note }] };
  } else if (format === 'openai-responses') {
    aligned.push({ role: 'user', content: [{ type: 'input_text', text: note }] });
  } else {
    return body;
  }
  return { ...body, ...(instructions.length ? { instructions: alignment.texts[0] } : {}), [field]: aligned };
}
