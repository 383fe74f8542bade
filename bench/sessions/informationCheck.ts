/**
 * The information check: strings the agent typed into a tool call (a path, an identifier, a
 * test name, a number) that it could only have read in an earlier tool output. When such a
 * string is in the original request but not in what the proxy forwarded, the model needed
 * something it did not see.
 */

type Json = Record<string, unknown>;

/** A path's last part, an identifier of 4+ characters, a dotted name, a number of 3+ digits. */
const WORD = /[A-Za-z0-9_][A-Za-z0-9_.@+-]*[A-Za-z0-9_]/g;

function stringsIn(value: unknown, into: string[]): void {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, into);
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) stringsIn(v, into);
}

/** The distinct strings worth checking in the tool calls of one answer. */
export function typedStrings(answer: readonly Json[]): string[] {
  const texts: string[] = [];
  for (const block of answer) if (block.type === 'tool_use') stringsIn(block.input, texts);
  const found = new Set<string>();
  for (const text of texts) {
    for (const part of text.split('/')) {
      for (const [word] of part.matchAll(WORD)) {
        if (/^\d+$/.test(word) ? word.length >= 3 : word.length >= 4 && /[A-Za-z]/.test(word)) found.add(word);
      }
    }
  }
  return [...found];
}

export interface MissingString {
  turn: number;
  text: string;
  /** The tool outputs (by tool_use_id) whose original holds it. */
  outputs: string[];
}

/**
 * Of the strings the agent typed in its answer to request `turn`, those found in the original
 * tool outputs of that request (`checked`), and those of them absent from the forwarded body.
 */
export function checkAnswer(
  turn: number,
  answer: readonly Json[],
  originalOutputs: ReadonlyMap<string, string>,
  forwardedBody: string,
): { checked: number; missing: MissingString[] } {
  const pooled = [...originalOutputs.values()].join('\n');
  let checked = 0;
  const missing: MissingString[] = [];
  for (const text of typedStrings(answer)) {
    if (!pooled.includes(text)) continue;
    checked++;
    if (forwardedBody.includes(text)) continue;
    missing.push({
      turn,
      text,
      outputs: [...originalOutputs].filter(([, output]) => output.includes(text)).map(([id]) => id),
    });
  }
  return { checked, missing };
}
