import { compressText } from '../src/core/compressText';
import { MemoryStore } from '../src/core/memoryStore';
import {
  answerRetrieve,
  RETRIEVE_TOOL_DESCRIPTION,
  RETRIEVE_TOOL_NAME,
  RETRIEVE_TOOL_PARAMETERS,
} from '../src/core/retrieveAnswer';
import { countTokens } from '../src/core/tokens';

export interface ModelAccess {
  baseUrl: string;
  apiKey: string;
  model: string;
}

/** A question with a long tool output as its context and the answer text it should produce. */
export interface QaItem {
  question: string;
  context: string;
  answer: string;
  /** The words that find the answer's row or line in the original (for a retrieve). */
  lookup: string;
}

export interface OnlineResult {
  items: number;
  tokensOriginal: number;
  tokensCompressed: number;
  /** Answers containing the gold answer, and mean token F1, with the original and the compressed context. */
  original: { correct: number; f1: number };
  compressed: { correct: number; f1: number };
  retrievals: number;
}

type Block = Record<string, unknown> & { type: string };
type Message = { role: 'user' | 'assistant'; content: string | Block[] };

const READ_CALL = { type: 'tool_use', id: 'toolu_eval_read', name: 'read_output', input: {} };
const MAX_RETRIEVE_ROUNDS = 3;

/**
 * Asks a model each question twice, with the tool output as it was and as Headroom compressed
 * it (shaped as a tool result, with headroom_retrieve available and answered from the store),
 * and scores both answers against the gold text.
 */
export async function evaluateOnline(items: readonly QaItem[], access: ModelAccess): Promise<OnlineResult> {
  const result: OnlineResult = {
    items: items.length,
    tokensOriginal: 0,
    tokensCompressed: 0,
    original: { correct: 0, f1: 0 },
    compressed: { correct: 0, f1: 0 },
    retrievals: 0,
  };
  for (const item of items) {
    const store = new MemoryStore();
    const compressed = await compressText(item.context, { query: item.question, store });
    result.tokensOriginal += countTokens(item.context);
    result.tokensCompressed += countTokens(compressed.text);
    const plain = await ask(access, item.question, item.context, undefined);
    const shrunk = await ask(access, item.question, compressed.text, store);
    result.retrievals += shrunk.retrievals;
    for (const [answer, score] of [
      [plain.answer, result.original],
      [shrunk.answer, result.compressed],
    ] as const) {
      if (normalise(answer).includes(normalise(item.answer))) score.correct++;
      score.f1 += tokenF1(answer, item.answer) / items.length;
    }
  }
  return result;
}

async function ask(
  access: ModelAccess,
  question: string,
  toolOutput: string,
  store: MemoryStore | undefined,
): Promise<{ answer: string; retrievals: number }> {
  const messages: Message[] = [
    { role: 'user', content: `${question} Answer with the value only.` },
    { role: 'assistant', content: [READ_CALL] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: READ_CALL.id, content: toolOutput }] },
  ];
  const tools = store
    ? [
        { name: RETRIEVE_TOOL_NAME, description: RETRIEVE_TOOL_DESCRIPTION, input_schema: RETRIEVE_TOOL_PARAMETERS },
        readTool,
      ]
    : [readTool];
  let retrievals = 0;
  for (let round = 0; ; round++) {
    const reply = await messagesCall(access, { model: access.model, max_tokens: 200, tools, messages });
    const calls = reply.content.filter((block) => block.type === 'tool_use' && block.name === RETRIEVE_TOOL_NAME);
    if (!store || calls.length === 0 || round === MAX_RETRIEVE_ROUNDS) {
      return {
        answer: reply.content
          .filter((block) => block.type === 'text')
          .map((block) => String(block.text))
          .join(''),
        retrievals,
      };
    }
    messages.push({ role: 'assistant', content: reply.content });
    const results: Block[] = [];
    for (const call of calls) {
      retrievals++;
      const answer = await answerRetrieve(call.input, store);
      results.push({
        type: 'tool_result',
        tool_use_id: String(call.id),
        content: answer.content,
        is_error: answer.isError,
      });
    }
    messages.push({ role: 'user', content: results });
  }
}

const readTool = {
  name: 'read_output',
  description: 'Reads the output the user asked about.',
  input_schema: { type: 'object', properties: {} },
};

async function messagesCall(access: ModelAccess, body: unknown): Promise<{ content: Block[] }> {
  const response = await fetch(`${access.baseUrl.replace(/\/+$/, '')}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': access.apiKey, 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(120_000),
  });
  if (!response.ok) throw new Error(`the model answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  return (await response.json()) as { content: Block[] };
}

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** SQuAD-style token F1 between an answer and the gold text. */
export function tokenF1(answer: string, gold: string): number {
  const predicted = normalise(answer).split(' ').filter(Boolean);
  const expected = normalise(gold).split(' ').filter(Boolean);
  const left = new Map<string, number>();
  for (const token of expected) left.set(token, (left.get(token) ?? 0) + 1);
  let shared = 0;
  for (const token of predicted) {
    const count = left.get(token) ?? 0;
    if (count > 0) {
      shared++;
      left.set(token, count - 1);
    }
  }
  if (shared === 0) return 0;
  const precision = shared / predicted.length;
  const recall = shared / expected.length;
  return (2 * precision * recall) / (precision + recall);
}
