/**
 * Runs the providers' official SDKs through the proxy, as an agent would: a conversation whose
 * tool output the proxy compresses, a model that retrieves and calls the client's `shell` tool
 * in the same turn, the SDK answering the call and going on. Run on Node 24 (the SDKs need 22+)
 * by sdkClients.e2e.test.ts: `node sdkClient.js <sdk> <proxy url> <sdk node_modules>`; prints
 * one JSON line per run with what the SDK returned on each turn.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { anthropicKit } from './contract/anthropicKit';
import type { Json } from './contract/apiKit';
import { geminiKit } from './contract/geminiKit';
import { openaiChatKit } from './contract/openaiChatKit';
import { openaiResponsesKit } from './contract/openaiResponsesKit';
import { bigLog } from './toolOutputs';

export interface SdkTurn {
  text: string;
  calls: string[];
}
export interface SdkRun {
  sdk: string;
  api: string;
  stream: boolean;
  turns: SdkTurn[];
}

const [sdk, proxyUrl, modules] = process.argv.slice(2);
const headers = { 'x-fake-script': 'retrieve+client' };
/* eslint-disable @typescript-eslint/no-explicit-any -- each SDK's own types are not in this project */
type Any = any;
async function load(name: string): Promise<Any> {
  const entry = createRequire(join(modules, 'index.js')).resolve(name);
  return import(pathToFileURL(entry).href);
}
const output = bigLog();
const runs: SdkRun[] = [];

async function openai(): Promise<void> {
  const { default: OpenAI } = await load('openai');
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${proxyUrl}/v1`, defaultHeaders: headers, maxRetries: 0 });
  for (const stream of [false, true]) {
    const body = openaiChatKit.firstRequest({ stream: false, output });
    const messages = [...(body.messages as Json[])];
    const turns: SdkTurn[] = [];
    for (let turn = 0; turn < 2; turn++) {
      const params = { model: body.model, tools: body.tools, messages };
      const completion = stream
        ? await client.chat.completions.stream(params).finalChatCompletion()
        : await client.chat.completions.create(params);
      const message = completion.choices[0].message;
      const calls = message.tool_calls ?? [];
      turns.push({ text: message.content ?? '', calls: calls.map((c: Any) => c.function.name) });
      messages.push(message);
      for (const call of calls) messages.push({ role: 'tool', tool_call_id: call.id, content: 'a.txt\nb.txt' });
      if (calls.length === 0) break;
    }
    runs.push({ sdk, api: 'chat', stream, turns });
  }
  for (const stream of [false, true]) {
    const body = openaiResponsesKit.firstRequest({ stream: false, output });
    const input = [...(body.input as Json[])];
    const turns: SdkTurn[] = [];
    for (let turn = 0; turn < 2; turn++) {
      const params = { ...body, stream: undefined, input };
      const response = stream
        ? await client.responses.stream(params).finalResponse()
        : await client.responses.create(params);
      const calls = response.output.filter((item: Any) => item.type === 'function_call');
      turns.push({ text: response.output_text, calls: calls.map((c: Any) => c.name) });
      input.push(...response.output);
      for (const call of calls)
        input.push({ type: 'function_call_output', call_id: call.call_id, output: 'a.txt\nb.txt' });
      if (calls.length === 0) break;
    }
    runs.push({ sdk, api: 'responses', stream, turns });
  }
}

async function anthropic(): Promise<void> {
  const { default: Anthropic } = await load('@anthropic-ai/sdk');
  const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: proxyUrl, defaultHeaders: headers, maxRetries: 0 });
  for (const stream of [false, true]) {
    const body = anthropicKit.firstRequest({ stream: false, output });
    const messages = [...(body.messages as Json[])];
    const turns: SdkTurn[] = [];
    for (let turn = 0; turn < 2; turn++) {
      const params = { ...body, stream: undefined, messages };
      const message = stream
        ? await client.messages.stream(params).finalMessage()
        : await client.messages.create(params);
      const calls = message.content.filter((b: Any) => b.type === 'tool_use');
      const text = message.content
        .filter((b: Any) => b.type === 'text')
        .map((b: Any) => b.text)
        .join('');
      turns.push({ text, calls: calls.map((c: Any) => c.name) });
      messages.push({ role: 'assistant', content: message.content });
      if (calls.length === 0) break;
      messages.push({
        role: 'user',
        content: calls.map((c: Any) => ({ type: 'tool_result', tool_use_id: c.id, content: 'a.txt\nb.txt' })),
      });
    }
    runs.push({ sdk, api: 'messages', stream, turns });
  }
}

async function google(): Promise<void> {
  const { GoogleGenAI } = await load('@google/genai');
  const ai = new GoogleGenAI({ apiKey: 'AIza-test', httpOptions: { baseUrl: proxyUrl, headers } });
  for (const stream of [false, true]) {
    const body = geminiKit.firstRequest({ stream: false, output });
    const contents = [...(body.contents as Json[])];
    const turns: SdkTurn[] = [];
    for (let turn = 0; turn < 2; turn++) {
      const params = {
        model: 'gemini-2.5-pro',
        contents,
        config: { systemInstruction: body.systemInstruction, tools: body.tools },
      };
      const parts: Any[] = [];
      if (stream)
        for await (const chunk of await ai.models.generateContentStream(params))
          parts.push(...(chunk.candidates?.[0]?.content?.parts ?? []));
      else parts.push(...((await ai.models.generateContent(params)).candidates?.[0]?.content?.parts ?? []));
      const calls = parts.filter((p) => p.functionCall);
      const text = parts
        .filter((p) => typeof p.text === 'string')
        .map((p) => p.text)
        .join('');
      turns.push({ text, calls: calls.map((c) => c.functionCall.name) });
      contents.push({ role: 'model', parts });
      if (calls.length === 0) break;
      contents.push({
        role: 'user',
        parts: calls.map((c) => ({
          functionResponse: { id: c.functionCall.id, name: c.functionCall.name, response: { output: 'a.txt\nb.txt' } },
        })),
      });
    }
    runs.push({ sdk, api: 'generateContent', stream, turns });
  }
}

const SDKS: Record<string, () => Promise<void>> = { openai, anthropic, google };
SDKS[sdk]()
  .then(() => console.log(JSON.stringify(runs)))
  .catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  });
