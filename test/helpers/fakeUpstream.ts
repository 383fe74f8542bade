import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Set when the client (the proxy) went away before the answer was complete. */
  aborted: boolean;
}

export interface FakeUpstream {
  url: string;
  requests: RecordedRequest[];
  /** The exact bytes of every streamed answer, in the order sent, per request index. */
  streamed: Map<number, string>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Block = Record<string, unknown>;

/** Rough token count for the emulated cache: four characters a token. */
const tokensOf = (text: string) => Math.ceil(text.length / 4);

/**
 * Anthropic's prompt cache, emulated: the request is cut into segments (tools, system blocks,
 * message blocks). Prefixes ending at a cache_control breakpoint are written to the cache;
 * a later request reads the longest written prefix that ends within the 20 segments before
 * one of its own breakpoints (as the API looks back for earlier hits), and writes the rest
 * up to its last breakpoint. Everything after the last breakpoint is plain input.
 */
class PromptCache {
  private readonly written = new Set<string>();

  usage(body: {
    tools?: Block[];
    system?: unknown;
    messages?: Array<{ role: string; content: unknown }>;
  }): Record<string, number> {
    const segments: Array<{ text: string; breakpoint: boolean }> = [];
    for (const tool of body.tools ?? [])
      segments.push({ text: JSON.stringify(tool), breakpoint: Boolean(tool.cache_control) });
    const system =
      typeof body.system === 'string' ? [{ type: 'text', text: body.system }] : ((body.system as Block[]) ?? []);
    for (const block of system)
      segments.push({
        text: JSON.stringify({ ...block, cache_control: undefined }),
        breakpoint: Boolean(block.cache_control),
      });
    for (const message of body.messages ?? []) {
      const blocks =
        typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : (message.content as Block[]);
      for (const block of blocks)
        segments.push({
          text: message.role + JSON.stringify({ ...block, cache_control: undefined }),
          breakpoint: Boolean(block.cache_control),
        });
    }
    const prefixes: string[] = [];
    const tokensUpTo: number[] = [];
    let prefix = '';
    let total = 0;
    for (const segment of segments) {
      prefix += segment.text;
      total += tokensOf(segment.text);
      prefixes.push(prefix);
      tokensUpTo.push(total);
    }
    const breakpoints = segments.flatMap((s, i) => (s.breakpoint ? [i] : []));
    let read = 0;
    for (const b of breakpoints) {
      for (let i = b; i >= Math.max(0, b - 20); i--) {
        if (this.written.has(prefixes[i])) {
          read = Math.max(read, tokensUpTo[i]);
          break;
        }
      }
    }
    for (const b of breakpoints) this.written.add(prefixes[b]);
    const last = breakpoints.length ? tokensUpTo[breakpoints[breakpoints.length - 1]] : 0;
    return {
      input_tokens: total - Math.max(last, read),
      cache_read_input_tokens: read,
      cache_creation_input_tokens: Math.max(0, last - read),
      output_tokens: 3,
    };
  }
}

/** The Bash command the fake model has Claude Code run: 350 log lines (~21 KB, under Claude Code's own 30 KB cut-off) with one error among them. */
export const CLAUDE_CODE_COMMAND =
  'seq 1 350 | awk \'{ if ($1 == 177) print "2026-11-24 10:00:00 ERROR worker " $1 " failed: disk quota exceeded"; else print "2026-11-24 10:00:00 INFO worker " $1 " processed batch " $1*7 " in " $1%13 "ms" }\'';

/** The content a scripted fake model answers with, given the request it received. */
function scriptedContent(
  script: string | undefined,
  body: { tools?: Block[]; messages?: Array<{ role: string; content: unknown }> },
  fallback: string,
): { content: Block[]; stopReason: string } {
  const text = (t: string): Block => ({ type: 'text', text: t });
  if (script === 'claude-code') {
    if (!(body.tools ?? []).some((t) => t.name === 'Bash'))
      return { content: [text('Log check')], stopReason: 'end_turn' };
    const results = (body.messages ?? [])
      .flatMap((m) => (Array.isArray(m.content) ? (m.content as Block[]) : []))
      .filter((b) => b.type === 'tool_result' && b.tool_use_id === 'toolu_cc_bash');
    if (results.length > 0)
      return { content: [text('HEADROOM-E2E-DONE: the log shows one error.')], stopReason: 'end_turn' };
    return {
      content: [
        text('Running it.'),
        {
          type: 'tool_use',
          id: 'toolu_cc_bash',
          name: 'Bash',
          input: { command: CLAUDE_CODE_COMMAND, description: 'Print the log' },
        },
      ],
      stopReason: 'tool_use',
    };
  }
  if (script === 'learn') return learnScript(body);
  if (script === 'refine') return refineScript(body);
  if (script === 'qa') return qaScript(body);
  if (!script) return { content: [text(fallback)], stopReason: 'end_turn' };
  const last = body.messages?.at(-1);
  const results = Array.isArray(last?.content) ? (last.content as Block[]).filter((b) => b.type === 'tool_result') : [];
  const retrieved = results.find((b) => String(b.tool_use_id).startsWith('toolu_retrieve'));
  if (retrieved)
    return {
      content: [text(`I read the original: ${String(retrieved.content).slice(0, 200)}`)],
      stopReason: 'end_turn',
    };
  const hash = /retrieve hash=([0-9a-f]{24})/.exec(JSON.stringify(body.messages))?.[1] ?? 'ffffffffffffffffffffffff';
  const retrieve: Block = {
    type: 'tool_use',
    id: 'toolu_retrieve_1',
    name: 'headroom_retrieve',
    input: { hash, query: 'data TLB error interrupt', limit: 3 },
  };
  const client: Block = { type: 'tool_use', id: 'toolu_client_1', name: 'Bash', input: { command: 'ls' } };
  const content =
    script === 'retrieve+client-tool'
      ? [text('Let me look closer.'), client, retrieve]
      : [text('Let me look closer.'), retrieve];
  return { content, stopReason: 'tool_use' };
}

/**
 * The fake model of the learn tests, as Claude Code drives it: a wrong npm script, then the
 * right one; a config file at the wrong path, then at the right one; then done. Which step
 * is next follows from how many tool results the conversation holds.
 */
function learnScript(body: { tools?: Block[]; messages?: Array<{ role: string; content: unknown }> }): {
  content: Block[];
  stopReason: string;
} {
  if (!(body.tools ?? []).some((t) => t.name === 'Bash'))
    return { content: [{ type: 'text', text: 'Learn run' }], stopReason: 'end_turn' };
  // Claude Code states its working directory in the environment section it sends.
  const cwd = /working directory: ([^\s"\\]+)/i.exec(JSON.stringify(body))?.[1] ?? '/';
  const done = (body.messages ?? [])
    .flatMap((m) => (Array.isArray(m.content) ? (m.content as Block[]) : []))
    .filter((b) => b.type === 'tool_result').length;
  const steps: Block[] = [
    {
      type: 'tool_use',
      id: 'toolu_learn_1',
      name: 'Bash',
      input: { command: 'npm run tests', description: 'Run the tests' },
    },
    {
      type: 'tool_use',
      id: 'toolu_learn_2',
      name: 'Bash',
      input: { command: 'npm test', description: 'Run the tests' },
    },
    { type: 'tool_use', id: 'toolu_learn_3', name: 'Read', input: { file_path: `${cwd}/config/app.json` } },
    {
      type: 'tool_use',
      id: 'toolu_learn_4',
      name: 'Read',
      input: { file_path: `${cwd}/packages/app/config/app.json` },
    },
  ];
  if (done < steps.length)
    return { content: [{ type: 'text', text: 'Next step.' }, steps[done]], stopReason: 'tool_use' };
  return { content: [{ type: 'text', text: 'LEARN-DONE' }], stopReason: 'end_turn' };
}

/**
 * The fake model of learn's --refine: it rewords every even line keeping its code spans,
 * and drops the facts of every odd one (which learn must then refuse).
 */
function refineScript(body: { messages?: Array<{ role: string; content: unknown }> }): {
  content: Block[];
  stopReason: string;
} {
  const lines = JSON.parse(String(body.messages?.[0]?.content ?? '[]')) as string[];
  const reworded = lines.map((line, i) =>
    i % 2 === 0
      ? `Do this: ${[...line.matchAll(/`[^`]+`/g)].map((m) => m[0]).join(' instead of ')}.`
      : 'Be careful with commands.',
  );
  return {
    content: [{ type: 'text', text: `Here are the lines:\n${JSON.stringify(reworded)}` }],
    stopReason: 'end_turn',
  };
}

/**
 * The fake model of the online evaluation: it reads the tool results for the answer to the
 * generated questions (an account number, a declined order); when the answer is not there but
 * a marker is, it retrieves with the question's words, as a model would.
 */
function qaScript(body: { tools?: Block[]; messages?: Array<{ role: string; content: unknown }> }): {
  content: Block[];
  stopReason: string;
} {
  const question = String(body.messages?.[0]?.content ?? '');
  const results = (body.messages ?? [])
    .flatMap((m) => (Array.isArray(m.content) ? (m.content as Block[]) : []))
    .filter((b) => b.type === 'tool_result')
    .map((b) => String(b.content))
    .join('\n');
  const name = /account number of (.+)\?/.exec(question)?.[1];
  const lookup = name ?? 'card declined';
  const found = name
    ? new RegExp(`"name":"${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^}]*"account":"(ACC-\\d+)"`).exec(
        results,
      )?.[1]
    : /card declined for order (\d+)/.exec(results)?.[1];
  if (found) return { content: [{ type: 'text', text: found }], stopReason: 'end_turn' };
  const hash = /retrieve hash=([0-9a-f]{24})/.exec(results)?.[1];
  if (hash && (body.tools ?? []).some((t) => t.name === 'headroom_retrieve')) {
    return {
      content: [
        { type: 'tool_use', id: `toolu_qa_${hash}`, name: 'headroom_retrieve', input: { hash, query: lookup } },
      ],
      stopReason: 'tool_use',
    };
  }
  return { content: [{ type: 'text', text: 'I cannot tell.' }], stopReason: 'end_turn' };
}

function anthropicEvents(content: Block[], stopReason: string): string[] {
  const usage = { input_tokens: 1200, output_tokens: 3 };
  const events: Array<[string, unknown]> = [
    [
      'message_start',
      {
        type: 'message_start',
        message: {
          id: 'msg_fake',
          type: 'message',
          role: 'assistant',
          model: 'claude-fake',
          content: [],
          stop_reason: null,
          usage,
        },
      },
    ],
    ['ping', { type: 'ping' }],
  ];
  content.forEach((block, index) => {
    if (block.type === 'text') {
      events.push([
        'content_block_start',
        { type: 'content_block_start', index, content_block: { type: 'text', text: '' } },
      ]);
      for (const [i, word] of String(block.text).split(' ').entries())
        events.push([
          'content_block_delta',
          { type: 'content_block_delta', index, delta: { type: 'text_delta', text: (i ? ' ' : '') + word } },
        ]);
    } else {
      events.push([
        'content_block_start',
        { type: 'content_block_start', index, content_block: { ...block, input: {} } },
      ]);
      const json = JSON.stringify(block.input);
      const half = Math.floor(json.length / 2);
      for (const part of [json.slice(0, half), json.slice(half)])
        events.push([
          'content_block_delta',
          { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: part } },
        ]);
    }
    events.push(['content_block_stop', { type: 'content_block_stop', index }]);
  });
  events.push(
    ['message_delta', { type: 'message_delta', delta: { stop_reason: stopReason }, usage: { output_tokens: 3 } }],
    ['message_stop', { type: 'message_stop' }],
  );
  return events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
}

interface ChatScript {
  content: string | null;
  toolCalls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
  finishReason: string;
}

/** What a scripted fake OpenAI model answers: a retrieve call (maybe with a client tool call) until it has the tool's result. */
function scriptedChat(
  script: string | undefined,
  body: { messages?: Array<Record<string, unknown>>; input?: unknown },
  fallback: string,
): ChatScript {
  if (!script) return { content: fallback, toolCalls: [], finishReason: 'stop' };
  const conversation = body.messages ?? (body as { input?: Array<Record<string, unknown>> }).input ?? [];
  const result = conversation.find(
    (m) =>
      (m.type === 'function_call_output' && m.call_id === 'call_retrieve_1') ||
      (m.role === 'tool' && m.tool_call_id === 'call_retrieve_1'),
  );
  if (result)
    return {
      content: `I read the original: ${String(result.output ?? result.content).slice(0, 200)}`,
      toolCalls: [],
      finishReason: 'stop',
    };
  const hash =
    /retrieve hash=([0-9a-f]{24})/.exec(JSON.stringify(body.messages ?? (body as { input?: unknown }).input))?.[1] ??
    'ffffffffffffffffffffffff';
  const retrieve = {
    id: 'call_retrieve_1',
    type: 'function' as const,
    function: {
      name: 'headroom_retrieve',
      arguments: JSON.stringify({ hash, query: 'data TLB error interrupt', limit: 3 }),
    },
  };
  const client = {
    id: 'call_client_1',
    type: 'function' as const,
    function: { name: 'shell', arguments: '{"cmd":"ls"}' },
  };
  return {
    content: 'Let me look closer.',
    toolCalls: script === 'retrieve+client-tool' ? [client, retrieve] : [retrieve],
    finishReason: 'tool_calls',
  };
}

const RESPONSES_USAGE = {
  input_tokens: 1000,
  output_tokens: 5,
  total_tokens: 1005,
  input_tokens_details: { cached_tokens: 400 },
};

/** A Responses API answer for a chat script: a message item, then one function_call item per call. */
function responsesOutput(script: ChatScript): Array<Record<string, unknown>> {
  const items: Array<Record<string, unknown>> = [];
  if (script.content)
    items.push({
      type: 'message',
      id: 'msg_fake',
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text: script.content, annotations: [] }],
    });
  for (const call of script.toolCalls)
    items.push({
      type: 'function_call',
      id: `fc_${call.id}`,
      call_id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
      status: 'completed',
    });
  return items;
}

function responsesEvents(script: ChatScript): string[] {
  let sequence = 0;
  const event = (type: string, data: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, ...data, sequence_number: sequence++ })}\n\n`;
  const base = { id: 'resp_fake', object: 'response', model: 'gpt-fake' };
  const output = responsesOutput(script);
  const events = [
    event('response.created', { response: { ...base, status: 'in_progress', output: [] } }),
    event('response.in_progress', { response: { ...base, status: 'in_progress', output: [] } }),
  ];
  output.forEach((item, index) => {
    events.push(
      event('response.output_item.added', {
        output_index: index,
        item: { ...item, ...(item.type === 'message' ? { content: [] } : { arguments: '' }) },
      }),
    );
    if (item.type === 'message') {
      const text = String((item.content as Array<{ text: string }>)[0].text);
      for (const [i, word] of text.split(' ').entries())
        events.push(
          event('response.output_text.delta', {
            item_id: item.id,
            output_index: index,
            content_index: 0,
            delta: (i ? ' ' : '') + word,
          }),
        );
    } else {
      const args = String(item.arguments);
      const half = Math.floor(args.length / 2);
      for (const delta of [args.slice(0, half), args.slice(half)])
        events.push(event('response.function_call_arguments.delta', { item_id: item.id, output_index: index, delta }));
    }
    events.push(event('response.output_item.done', { output_index: index, item }));
  });
  events.push(
    event('response.completed', { response: { ...base, status: 'completed', output, usage: RESPONSES_USAGE } }),
  );
  return events;
}

function openaiChunks(script: ChatScript, includeUsage: boolean): string[] {
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', model: 'gpt-fake', choices, ...extra })}\n\n`;
  const out = (script.content ?? '')
    .split(' ')
    .filter(Boolean)
    .map((word, i) => chunk([{ index: 0, delta: { content: (i ? ' ' : '') + word }, finish_reason: null }]));
  script.toolCalls.forEach((call, index) => {
    const half = Math.floor(call.function.arguments.length / 2);
    out.push(
      chunk([
        {
          index: 0,
          delta: {
            tool_calls: [
              {
                index,
                id: call.id,
                type: 'function',
                function: { name: call.function.name, arguments: call.function.arguments.slice(0, half) },
              },
            ],
          },
          finish_reason: null,
        },
      ]),
    );
    out.push(
      chunk([
        {
          index: 0,
          delta: { tool_calls: [{ index, function: { arguments: call.function.arguments.slice(half) } }] },
          finish_reason: null,
        },
      ]),
    );
  });
  if (script.toolCalls.length > 0 || includeUsage)
    out.push(chunk([{ index: 0, delta: {}, finish_reason: script.finishReason }]));
  if (includeUsage)
    out.push(
      chunk([], {
        usage: {
          prompt_tokens: 1000,
          completion_tokens: 5,
          total_tokens: 1005,
          prompt_tokens_details: { cached_tokens: 400 },
        },
      }),
    );
  out.push('data: [DONE]\n\n');
  return out;
}

/**
 * A stand-in for the Anthropic and OpenAI APIs on loopback: answers in JSON or SSE, can be
 * told (by request headers) to fail with a status, or to stream slowly.
 */
export async function startFakeUpstream(options: { script?: string } = {}): Promise<FakeUpstream> {
  const requests: RecordedRequest[] = [];
  const streamed = new Map<number, string>();
  const cache = new PromptCache();
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const record: RecordedRequest = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks),
      aborted: false,
    };
    const index = requests.push(record) - 1;
    res.on('close', () => {
      if (!res.writableFinished) record.aborted = true;
    });

    const status = Number(req.headers['x-fake-status'] ?? 0);
    if (status) {
      res.writeHead(status, {
        'content-type': 'application/json',
        'retry-after': '17',
        'x-request-id': 'req_fake_error',
      });
      res.end(
        JSON.stringify({
          type: 'error',
          error: { type: status === 529 ? 'overloaded_error' : 'rate_limit_error', message: `fake ${status}` },
        }),
      );
      return;
    }
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: [{ id: 'fake-model' }] }));
      return;
    }
    let body: {
      stream?: boolean;
      stream_options?: { include_usage?: boolean };
      messages?: Array<{ role: string; content: unknown }>;
    };
    try {
      body = JSON.parse(record.body.toString('utf8')) as { stream?: boolean };
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          type: 'error',
          error: { type: 'invalid_request_error', message: 'fake upstream: body is not JSON' },
        }),
      );
      return;
    }
    const anthropic = (req.url ?? '').startsWith('/v1/messages');
    const responses = (req.url ?? '').startsWith('/v1/responses');
    const answer = `answer number ${index} from the fake upstream`;
    const scripted = scriptedContent(
      (req.headers['x-fake-script'] as string | undefined) ?? options.script,
      body as Parameters<typeof scriptedContent>[1],
      answer,
    );
    const usage =
      req.headers['x-fake-cache'] === 'on'
        ? cache.usage(body as Parameters<PromptCache['usage']>[0])
        : { input_tokens: 1200, output_tokens: 3 };
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_${index}` });
      const chat = scriptedChat(req.headers['x-fake-script'] as string | undefined, body, answer);
      const message = {
        role: 'assistant',
        content: chat.content,
        ...(chat.toolCalls.length ? { tool_calls: chat.toolCalls } : {}),
      };
      if (responses) {
        res.end(
          JSON.stringify({
            id: 'resp_fake',
            object: 'response',
            model: 'gpt-fake',
            status: 'completed',
            output: responsesOutput(chat),
            usage: RESPONSES_USAGE,
          }),
        );
        return;
      }
      res.end(
        JSON.stringify(
          anthropic
            ? {
                id: 'msg_fake',
                type: 'message',
                role: 'assistant',
                content: scripted.content,
                stop_reason: scripted.stopReason,
                usage,
              }
            : {
                id: 'chatcmpl-fake',
                model: 'gpt-fake',
                choices: [{ index: 0, message, finish_reason: chat.finishReason }],
                usage: {
                  prompt_tokens: 1000,
                  completion_tokens: 5,
                  total_tokens: 1005,
                  prompt_tokens_details: { cached_tokens: 400 },
                },
              },
        ),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const delay = Number(req.headers['x-fake-delay-ms'] ?? 0);
    const resetAfter = Number(req.headers['x-fake-reset-after'] ?? 0);
    let sent = '';
    const chatEvents = () =>
      openaiChunks(
        scriptedChat(req.headers['x-fake-script'] as string | undefined, body, answer),
        body.stream_options?.include_usage === true,
      );
    const responseEvents = () =>
      responsesEvents(scriptedChat(req.headers['x-fake-script'] as string | undefined, body, answer));
    for (const event of anthropic
      ? anthropicEvents(scripted.content, scripted.stopReason)
      : responses
        ? responseEvents()
        : chatEvents()) {
      if (res.destroyed) return;
      res.write(event);
      sent += event;
      streamed.set(index, sent);
      if (resetAfter && sent.length >= resetAfter) {
        res.socket?.destroy();
        return;
      }
      if (delay) await sleep(delay);
    }
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    streamed,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
