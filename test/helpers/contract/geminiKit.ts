import { SseParser } from '../../../src/proxy/sse';
import type { ApiKit, ClientAnswer, Json } from './apiKit';

type Part = Json & { text?: string; functionCall?: Json; functionResponse?: Json; thoughtSignature?: string };
type Content = { role?: string; parts: Part[] };
const USAGE = { promptTokenCount: 100, candidatesTokenCount: 10, totalTokenCount: 110 };
/** The fields a function's parameter schema may use (the API's Schema message); anything else is rejected. */
const SCHEMA_FIELDS = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'maxItems',
  'minItems',
  'properties',
  'required',
  'propertyOrdering',
  'items',
  'minimum',
  'maximum',
  'anyOf',
  'default',
  'example',
  'pattern',
  'minLength',
  'maxLength',
]);
const PATH = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

function schemaError(schema: unknown, at: string): string | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  for (const [key, value] of Object.entries(schema)) {
    if (!SCHEMA_FIELDS.has(key))
      return `Invalid JSON payload received. Unknown name "${key}" at '${at}': Cannot find field.`;
    if (key === 'properties')
      for (const [name, inner] of Object.entries(value as Json)) {
        const broken = schemaError(inner, `${at}.properties[${name}].value`);
        if (broken) return broken;
      }
    if (key === 'items') {
      const broken = schemaError(value, `${at}.items`);
      if (broken) return broken;
    }
  }
  return undefined;
}

/** The Gemini API: Gemini CLI's and the Gen AI SDK's requests, the API's turn rules, its candidates whole and as SSE. */
export const geminiKit: ApiKit = {
  name: 'Gemini',
  path: (stream) =>
    stream
      ? '/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse'
      : '/v1beta/models/gemini-2.5-pro:generateContent',
  headers: { 'content-type': 'application/json', 'x-goog-api-key': 'AIza-test' },
  roundInputTokens: USAGE.promptTokenCount,

  firstRequest: ({ output }) => ({
    systemInstruction: { parts: [{ text: 'You are Gemini CLI, a coding agent.' }] },
    tools: [
      {
        functionDeclarations: [
          {
            name: 'shell',
            description: 'Runs a command.',
            parameters: { type: 'object', properties: { cmd: { type: 'string' } }, required: ['cmd'] },
          },
        ],
      },
    ],
    contents: [
      { role: 'user', parts: [{ text: 'Which nodes had data TLB errors?' }] },
      { role: 'model', parts: [{ functionCall: { id: 'call_0', name: 'shell', args: { cmd: 'cat bgl.log' } } }] },
      { role: 'user', parts: [{ functionResponse: { id: 'call_0', name: 'shell', response: { output } } }] },
    ],
  }),

  read(body, stream) {
    const chunks = stream
      ? new SseParser().push(body).map((e) => JSON.parse(e.data) as Json)
      : [JSON.parse(body) as Json];
    const parts: Part[] = [];
    let finishes = 0;
    for (const [i, chunk] of chunks.entries()) {
      const candidate = (chunk.candidates as Array<Json & { content?: Content }> | undefined)?.[0];
      if (candidate?.finishReason) {
        finishes++;
        if (i !== chunks.length - 1) throw new Error('the finish reason comes in the last chunk');
      }
      parts.push(...(candidate?.content?.parts ?? []));
    }
    if (finishes !== 1) throw new Error(`one finish reason in an answer, not ${finishes}`);
    const usage = chunks.at(-1)!.usageMetadata as Json | undefined;
    return {
      text: parts
        .filter((p) => typeof p.text === 'string')
        .map((p) => p.text)
        .join(''),
      calls: parts
        .filter((p) => p.functionCall)
        .map((p) => ({ id: String(p.functionCall!.id), name: String(p.functionCall!.name) })),
      turn: [{ role: 'model', parts }],
      inputTokens: Number(usage?.promptTokenCount ?? 0),
    } satisfies ClientAnswer;
  },

  nextRequest: (previous, answer, results) => ({
    ...previous,
    contents: [
      ...(previous.contents as Json[]),
      ...answer.turn,
      results.length > 0
        ? {
            role: 'user',
            parts: results.map((r) => ({ functionResponse: { id: r.id, name: r.name, response: { output: r.text } } })),
          }
        : { role: 'user', parts: [{ text: 'Thanks. And the first node?' }] },
    ],
  }),
  toolNames: (body) =>
    ((body.tools as Json[] | undefined) ?? []).flatMap((t) =>
      ((t.functionDeclarations as Json[] | undefined) ?? []).map((d) => String(d.name)),
    ),

  matches: (path) => PATH.test(path),
  validate(body) {
    const contents = body.contents as Content[] | undefined;
    if (!Array.isArray(contents) || contents.length === 0)
      return '* GenerateContentRequest.contents: contents is not specified';
    const names = geminiKit.toolNames(body);
    if (new Set(names).size !== names.length) return 'Duplicate function declaration found: ' + names.join(', ');
    for (const tool of (body.tools as Json[] | undefined) ?? [])
      for (const [k, declaration] of ((tool.functionDeclarations as Json[] | undefined) ?? []).entries()) {
        const broken = schemaError(declaration.parameters, `tools.function_declarations[${k}].parameters`);
        if (broken) return broken;
      }
    for (const [i, content] of contents.entries()) {
      if (content.role !== 'user' && content.role !== 'model')
        return `Please use a valid role: user, model. (contents[${i}].role: ${String(content.role)})`;
      if (!Array.isArray(content.parts) || content.parts.length === 0)
        return `* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.`;
      const calls = content.parts.filter((p) => p.functionCall);
      for (const call of calls)
        if (
          String(call.functionCall!.id).startsWith('fake_') &&
          call.thoughtSignature !== `sig_${String(call.functionCall!.id)}`
        )
          return `Function call is missing a thought_signature in functionCall parts. (contents[${i}])`;
      const responses = content.parts.filter((p) => p.functionResponse);
      const previousCalls = (contents[i - 1]?.parts ?? []).filter((p) => p.functionCall).length;
      if (responses.length > 0 && (contents[i - 1]?.role !== 'model' || previousCalls === 0))
        return 'Please ensure that function response turn comes immediately after a function call turn.';
      if (calls.length > 0) {
        const next = contents[i + 1];
        const answered = (next?.parts ?? []).filter((p) => p.functionResponse).length;
        if (next && answered !== calls.length)
          return 'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.';
      }
    }
    return undefined;
  },
  errorBody: (status, message) => ({
    error: { code: status, message, status: status === 429 ? 'RESOURCE_EXHAUSTED' : 'INTERNAL' },
  }),
  view(body) {
    const names = new Map<string, string>();
    const outputs: Array<{ callId: string; name: string; text: string }> = [];
    for (const content of body.contents as Content[])
      for (const part of content.parts) {
        if (part.functionCall) names.set(String(part.functionCall.id), String(part.functionCall.name));
        const response = part.functionResponse;
        if (response) {
          const value = response.response as Json;
          outputs.push({
            callId: String(response.id),
            name: String(response.name),
            text: String(value.output ?? value.error ?? JSON.stringify(value)),
          });
        }
      }
    return { outputs, tools: geminiKit.toolNames(body) };
  },
  respond(turn, _body, stream, n) {
    const calls: Part[] = turn.calls.map((c) => ({
      functionCall: { id: c.id, name: c.name, args: c.args },
      thoughtSignature: `sig_${c.id}`,
    }));
    const chunk = (parts: Part[], last: boolean) =>
      JSON.stringify({
        candidates: [{ content: { role: 'model', parts }, ...(last ? { finishReason: 'STOP' } : {}), index: 0 }],
        usageMetadata: last ? USAGE : { ...USAGE, candidatesTokenCount: 2, totalTokenCount: 102 },
        modelVersion: 'gemini-2.5-pro',
        responseId: `resp_${n}`,
      });
    if (!stream) return [chunk([{ text: turn.text }, ...calls], true)];
    const half = Math.ceil(turn.text.length / 2);
    return [
      chunk([{ text: turn.text.slice(0, half) }], false),
      chunk([{ text: turn.text.slice(half) }, ...calls], true),
    ].map((c) => `data: ${c}\r\n\r\n`);
  },
};
