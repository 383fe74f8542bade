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

/** The index of the conversation's last message with this role, or -1. */
function lastIndexOfRole(list: readonly unknown[], role: string): number {
  for (let i = list.length - 1; i >= 0; i--) if (isRecord(list[i]) && (list[i] as Obj).role === role) return i;
  return -1;
}

/** The message with a text block or part appended: a string content becomes a list of its text and the note. */
function withNote(message: Obj, note: string, partType: string): Obj {
  const content =
    typeof message.content === 'string'
      ? [{ type: partType, text: message.content }]
      : Array.isArray(message.content)
        ? message.content
        : [];
  return { ...message, content: [...content, { type: partType, text: note }] };
}

/**
 * Aligns an Anthropic Messages request body. Returns a new body that shares everything it
 * did not change with the input, or the input itself when its system prompt holds nothing
 * volatile. The same system bytes go out whatever the request ends with: the note ends the
 * last message (a user turn, or the `system` message Claude Code sends after it), after every
 * breakpoint; after an assistant prefill, it ends the last user message instead.
 */
export function alignAnthropicRequest<T extends Obj>(body: T): T {
  const { system, messages } = body;
  if (!Array.isArray(messages)) return body;
  const last = messages[messages.length - 1];
  const target =
    isRecord(last) && (last.role === 'user' || last.role === 'system')
      ? messages.length - 1
      : lastIndexOfRole(messages, 'user');
  if (target < 0) return body;
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
  const aligned = [...messages];
  aligned[target] = withNote(messages[target] as Obj, valuesNote(alignment.values), 'text');
  return { ...body, system: alignedSystem, messages: aligned };
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

const isUserMessage = (m: unknown) =>
  isRecord(m) && m.role === 'user' && (m.type === undefined || m.type === 'message');

/**
 * Aligns an OpenAI request (Chat Completions `messages`, or Responses `instructions` and
 * `input`), whose prompt cache also matches on an exact prefix. The note goes at the very
 * end: appended to a final user message, or as a user message of its own after tool results;
 * after an assistant prefill (Chat), into the last user message before it.
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
  const prefill = format === 'openai-chat' && isRecord(last) && last.role === 'assistant';
  const target = prefill ? lastIndexOfRole(aligned, 'user') : isUserMessage(last) ? aligned.length - 1 : -1;
  if (target >= 0 && typeof (aligned[target] as Obj).content === 'string')
    aligned[target] = { ...(aligned[target] as Obj), content: `${(aligned[target] as Obj).content}\n\n${note}` };
  else if (target >= 0) aligned[target] = withNote(aligned[target] as Obj, note, partType);
  else aligned.push({ role: 'user', content: [{ type: partType, text: note }] });
  return { ...body, ...(instructions.length ? { instructions: alignment.texts[0] } : {}), [field]: aligned };
}

/**
 * Aligns a Gemini `generateContent` body: the system instruction's text parts, with the note as
 * a text part of the final user turn (a turn of its own after function responses).
 */
export function alignGeminiRequest<T extends Obj>(body: T): T {
  const key = body.systemInstruction !== undefined ? 'systemInstruction' : 'system_instruction';
  const instruction = body[key];
  const contents = body.contents;
  if (!isRecord(instruction) || !Array.isArray(instruction.parts) || !Array.isArray(contents)) return body;
  const isText = (p: unknown): p is Obj & { text: string } => isRecord(p) && typeof p.text === 'string';
  const alignment = alignTexts(instruction.parts.filter(isText).map((p) => p.text));
  if (alignment.values.length === 0) return body;
  let next = 0;
  const parts = instruction.parts.map((p) => (isText(p) ? { ...p, text: alignment.texts[next++] } : p));
  const note = { text: valuesNote(alignment.values) };
  const aligned = [...contents];
  const last = aligned[aligned.length - 1];
  const plainUserTurn =
    isRecord(last) &&
    last.role === 'user' &&
    Array.isArray(last.parts) &&
    !last.parts.some((p) => isRecord(p) && p.functionResponse !== undefined);
  if (plainUserTurn) aligned[aligned.length - 1] = { ...last, parts: [...(last.parts as unknown[]), note] };
  else aligned.push({ role: 'user', parts: [note] });
  return { ...body, [key]: { ...instruction, parts }, contents: aligned };
}
