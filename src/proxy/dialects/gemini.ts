import type { IncomingMessage } from 'node:http';
import { alignGeminiRequest } from '../../core/cacheAligner';
import { RETRIEVE_TOOL_DESCRIPTION, RETRIEVE_TOOL_NAME } from '../../core/retrieveAnswer';
import { isRecord } from '../../shared/isRecord';
import { promptCachedUsage, tokenCount, type CallResult, type Dialect, type Json } from './dialect';
import { JsonEventRelay } from './jsonEventRelay';
import { toolList } from '../retrieval/retrieveTool';

type Part = Json & { functionCall?: Json & { name?: string; id?: string; args?: unknown } };
type Candidate = Json & { content?: Json & { parts?: Part[] } };

const isCall = (part: Part) => isRecord(part.functionCall);
const isRetrieve = (part: Part) => isCall(part) && part.functionCall!.name === RETRIEVE_TOOL_NAME;
const isClientCall = (part: Part) => isCall(part) && part.functionCall!.name !== RETRIEVE_TOOL_NAME;
const candidateOf = (answer: Json): Candidate | undefined => (answer.candidates as Candidate[] | undefined)?.[0];
const partsOf = (answer: Json): Part[] => candidateOf(answer)?.content?.parts ?? [];
/** Calls without an id (older models) are answered by position, as the API pairs them. */
const callId = (part: Part, position: number) => part.functionCall!.id ?? `#${position}`;
const dataEvent = (data: unknown) => `data: ${JSON.stringify(data)}\r\n\r\n`;

/** Gemini's function parameters are an OpenAPI schema subset: no additionalProperties, no bounds. */
const retrieveTool = {
  name: RETRIEVE_TOOL_NAME,
  description: RETRIEVE_TOOL_DESCRIPTION,
  parameters: {
    type: 'object',
    properties: {
      hash: { type: 'string' },
      query: { type: 'string' },
      symbol: { type: 'string' },
      offset: { type: 'integer' },
      limit: { type: 'integer' },
    },
    required: ['hash'],
  },
};

/**
 * The tools with the retrieve declaration last: in the one function-declaring tool when there
 * is one (some models refuse several), else as a tool of its own.
 */
function withRetrieveDeclaration(tools: unknown): unknown[] {
  const list = toolList(tools) as Json[];
  const declaring = list.filter((tool) => isRecord(tool) && Array.isArray(tool.functionDeclarations));
  const declared = declaring.some((tool) =>
    (tool.functionDeclarations as Json[]).some((d) => isRecord(d) && d.name === RETRIEVE_TOOL_NAME),
  );
  if (declared) return list;
  if (declaring.length !== 1) return [...list, { functionDeclarations: [retrieveTool] }];
  return list.map((tool) =>
    tool === declaring[0]
      ? { ...tool, functionDeclarations: [...(tool.functionDeclarations as unknown[]), retrieveTool] }
      : tool,
  );
}

/** Paths only Gemini's API has: its versioned prefixes, or a `models/NAME:method` call. */
export const GEMINI_PATH = /^\/v1(alpha|beta)\/|^\/v1\/models\/[^/]+:/;

const CONVERSATION_PATH = /^\/v1(?:alpha|beta)?\/models\/[^/:]+:(generateContent|streamGenerateContent)$/;

/** Google's Gemini API (`models/…:generateContent`, streamed as SSE), as Gemini CLI and the Gen AI SDK speak it. */
export const gemini: Dialect = {
  name: 'gemini',
  provider: 'gemini',
  format: 'gemini',
  retrieveTool: { functionDeclarations: [retrieveTool] },
  errors: {
    json: (message) => ({ error: { code: 500, message, status: 'INTERNAL' } }),
    event: (message, upstream) =>
      dataEvent(
        isRecord(upstream) && isRecord(upstream.error)
          ? upstream
          : { error: { code: 500, message, status: 'INTERNAL' } },
      ),
  },

  route(path, query) {
    const method = CONVERSATION_PATH.exec(path)?.[1];
    // A stream without alt=sse is one JSON array the loop does not read; it passes through.
    if (method === 'generateContent' || (method === 'streamGenerateContent' && query.get('alt') === 'sse'))
      return 'retrieval-loop';
    return undefined;
  },
  conversation: (body) => (Array.isArray(body.contents) ? body.contents : undefined),
  withConversation: (body, contents) => ({ ...body, contents }),
  align: alignGeminiRequest,
  withRetrieveTool: (body) => ({ ...body, tools: withRetrieveDeclaration(body.tools) }),
  streams: (_body, path) => path.endsWith(':streamGenerateContent'),

  usageOf: (answer) => answer.usageMetadata,
  readUsage: (usage, model) =>
    isRecord(usage) && 'promptTokenCount' in usage
      ? promptCachedUsage(
          {
            prompt: usage.promptTokenCount,
            cached: usage.cachedContentTokenCount,
            output: tokenCount(usage.candidatesTokenCount) + tokenCount(usage.thoughtsTokenCount),
          },
          model,
        )
      : undefined,
  modelOf: (answer) => (typeof answer.modelVersion === 'string' ? answer.modelVersion : undefined),

  retrieveCalls: (answer) =>
    partsOf(answer).flatMap((part, j) =>
      isRetrieve(part) ? [{ id: callId(part, j), input: part.functionCall!.args }] : [],
    ),
  clientCallIds: (answer) => partsOf(answer).flatMap((part, j) => (isClientCall(part) ? [callId(part, j)] : [])),
  continued(contents, answer, results) {
    const parts = partsOf(answer);
    const byId = new Map<string, CallResult>(results.map((r) => [r.id, r]));
    const responses = parts.flatMap((part, j) => {
      const result = isCall(part) ? byId.get(callId(part, j)) : undefined;
      if (!result) return [];
      const { name, id } = part.functionCall!;
      const response = result.isError ? { error: result.content } : { output: result.content };
      return [{ functionResponse: { ...(id ? { id } : {}), name, response } }];
    });
    return [...contents, { role: 'model', parts }, { role: 'user', parts: responses }];
  },
  merged(rounds, summedUsage) {
    const final = rounds[rounds.length - 1];
    const candidate = candidateOf(final);
    if (!candidate || (rounds.length === 1 && !partsOf(final).some(isRetrieve))) return final;
    const shown = rounds.flatMap((answer) => partsOf(answer).filter((part) => !isCall(part)));
    const calls = rounds.flatMap((answer) => partsOf(answer).filter(isClientCall));
    const content = { ...(candidate.content ?? { role: 'model' }), parts: [...shown, ...calls] };
    const candidates = [{ ...candidate, content }, ...(final.candidates as Json[]).slice(1)];
    return { ...final, candidates, ...(summedUsage ? { usageMetadata: summedUsage } : {}) };
  },
  streamRelay: (res, usage) => new GeminiStreamRelay(res, usage),
};

/**
 * Relays the rounds of one `alt=sse` stream as one: text as it comes, retrieve calls hidden,
 * the client's function calls of every round held back and sent in the last chunk, which
 * carries the finish reason and the summed usage.
 */
class GeminiStreamRelay extends JsonEventRelay {
  private rounds = 0;
  private readonly held: Part[] = [];

  async round(response: IncomingMessage, lastRound: boolean): Promise<Json | undefined> {
    this.rounds++;
    const parts: Part[] = [];
    let last: Json | undefined;
    let roundUsage: unknown;
    for await (const { event, data: chunk } of this.events(response)) {
      if (typeof chunk.modelVersion === 'string') this.usage.model = chunk.modelVersion;
      if (chunk.usageMetadata) roundUsage = chunk.usageMetadata;
      const candidate = candidateOf(chunk);
      const chunkParts = candidate?.content?.parts ?? [];
      parts.push(...chunkParts);
      this.held.push(...chunkParts.filter(isClientCall));
      if (candidate?.finishReason) {
        last = chunk;
        continue;
      }
      const visible = chunkParts.filter((part) => !isCall(part));
      if (visible.length === chunkParts.length && this.rounds === 1) await this.write(event.raw);
      else if (visible.length > 0) await this.write(dataEvent(withParts(chunk, visible, undefined)));
    }
    this.usage.add(roundUsage);
    const answer = { candidates: [{ content: { role: 'model', parts } }], usageMetadata: roundUsage };
    const visible = (candidateOf(last ?? {})?.content?.parts ?? []).filter((part) => !isCall(part));
    if (parts.some(isRetrieve) && !lastRound) {
      // The round's last words go out without its finish reason: the answer goes on.
      if (last && visible.length > 0) {
        const [candidate] = withParts(last, visible, undefined).candidates as Json[];
        delete candidate.finishReason;
        await this.write(dataEvent({ ...last, candidates: [candidate], usageMetadata: undefined }));
      }
      return answer;
    }
    if (last) {
      const summed = this.rounds === 1 ? last.usageMetadata : this.usage.summed;
      await this.write(dataEvent(withParts(last, [...visible, ...this.held], summed)));
    }
    return undefined;
  }
}

/** A chunk with its first candidate's parts replaced, and its usage when given. */
function withParts(chunk: Json, parts: Part[], usage: unknown): Json {
  const candidate = candidateOf(chunk) ?? {};
  const out: Json = {
    ...chunk,
    candidates: [{ ...candidate, content: { role: 'model', ...candidate.content, parts } }],
  };
  if (usage === undefined) delete out.usageMetadata;
  else out.usageMetadata = usage;
  return out;
}
