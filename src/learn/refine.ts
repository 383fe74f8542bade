/**
 * Optional rewording of learn's corrections by a language model. The model only rephrases:
 * a line it returns is used only if it keeps every `code span` of the line it replaces (the
 * commands and paths, which are the facts), and anything that goes wrong leaves the
 * deterministic lines as they are.
 */
export type Refiner = (lines: readonly string[]) => Promise<string[]>;

const INSTRUCTIONS =
  'You edit the project notes a coding agent reads at start-up. Each input line is a correction learned from a tool call that failed and the call that fixed it. ' +
  'Rewrite each line as one short, direct instruction to the agent. Keep every `code span` exactly as it is. Do not add facts. ' +
  'Answer with a JSON array of strings only: one string per input line, in the same order.';

/** The lines with the model's rewording where it kept the facts; the original line everywhere else. */
export async function refineLines(lines: readonly string[], refiner: Refiner): Promise<string[]> {
  const proposed = await refiner(lines);
  return lines.map((line, i) => {
    const candidate = proposed[i];
    return typeof candidate === 'string' && keepsFacts(line, candidate) ? candidate.trim() : line;
  });
}

/** The commands and paths of a line: its `code spans`. */
export function codeSpans(line: string): string[] {
  return [...line.matchAll(/`([^`]+)`/g)].map((match) => match[1]);
}

function keepsFacts(original: string, candidate: string): boolean {
  const text = candidate.trim();
  if (!text || text.includes('\n') || text.length > 400 || text.includes('headroom:learn')) return false;
  const kept = new Set(codeSpans(text));
  return codeSpans(original).every((span) => kept.has(span));
}

/**
 * A refiner that asks a model through the Anthropic Messages API: Anthropic itself, any
 * compatible gateway, or the Headroom proxy. A failed or malformed answer throws; the caller
 * keeps the deterministic lines.
 */
export function anthropicRefiner(options: {
  baseUrl: string;
  apiKey: string;
  model: string;
  timeoutMs?: number;
}): Refiner {
  return async (lines) => {
    const response = await fetch(`${options.baseUrl.replace(/\/+$/, '')}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': options.apiKey, 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: options.model,
        max_tokens: 2_000,
        system: INSTRUCTIONS,
        messages: [{ role: 'user', content: JSON.stringify(lines) }],
      }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
    });
    if (!response.ok)
      throw new Error(`the model answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    const body = (await response.json()) as { content?: Array<{ type: string; text?: string }> };
    const text = (body.content ?? [])
      .filter((block) => block.type === 'text')
      .map((block) => block.text ?? '')
      .join('');
    const json = /\[[\s\S]*\]/.exec(text)?.[0];
    const parsed: unknown = json ? JSON.parse(json) : undefined;
    if (!Array.isArray(parsed)) throw new Error('the model did not answer with a JSON array');
    return parsed.map((item) => (typeof item === 'string' ? item : ''));
  };
}
