import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alignAnthropicRequest, alignGeminiRequest, alignOpenAIRequest, alignTexts } from '../../src/core/cacheAligner';

function request(time: string, requestId: string) {
  return {
    model: 'claude-sonnet-4-5',
    system: [
      { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.3; cc_entrypoint=cli' },
      {
        type: 'text',
        text: `You are an agent. Now: ${time}. Request ${requestId}. Scratch dir /tmp/agent-x8Fq2/work.`,
        cache_control: { type: 'ephemeral' },
      },
    ],
    messages: [
      { role: 'user', content: 'Fix the build.' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Bash', input: {} }] },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 't1', content: 'ok', cache_control: { type: 'ephemeral' } }],
      },
    ],
  };
}

describe('CacheAligner', () => {
  it('makes the system prompt of two requests byte-identical and keeps the values in a final note', () => {
    const a = alignAnthropicRequest(request('2026-11-24T09:00:01Z', '6f1c2d3e-aaaa-4bbb-8ccc-000000000001'));
    const b = alignAnthropicRequest(request('2026-11-24T09:05:42Z', '6f1c2d3e-aaaa-4bbb-8ccc-000000000002'));
    assert.equal(JSON.stringify(a.system), JSON.stringify(b.system));
    assert.equal(JSON.stringify(a.messages.slice(0, -1)), JSON.stringify(b.messages.slice(0, -1)), 'history untouched');
    assert.match(a.system[1].text, /Now: ⟦1⟧\. Request ⟦2⟧\. Scratch dir ⟦3⟧\./);
    assert.deepEqual(a.system[1].cache_control, { type: 'ephemeral' });
    const lastBlocks = a.messages.at(-1)!.content as Array<{ type: string; text?: string; cache_control?: unknown }>;
    assert.deepEqual(lastBlocks[0].cache_control, { type: 'ephemeral' }, 'the client breakpoint stays before the note');
    const note = lastBlocks.at(-1)!.text!;
    assert.match(note, /⟦1⟧ = 2026-11-24T09:00:01Z/);
    assert.match(note, /⟦2⟧ = 6f1c2d3e-aaaa-4bbb-8ccc-000000000001/);
    assert.match(note, /⟦3⟧ = \/tmp\/agent-x8Fq2\/work/);
  });

  it('does not modify its input and returns it as is when nothing is volatile', () => {
    const input = request('2026-11-24T09:00:01Z', 'r-1');
    const snapshot = JSON.stringify(input);
    alignAnthropicRequest(input);
    assert.equal(JSON.stringify(input), snapshot);
    const stable = { ...input, system: 'You are a helpful agent.' };
    assert.equal(alignAnthropicRequest(stable), stable);
  });

  it('sends the same system bytes on every turn of a conversation, whatever each request ends with', () => {
    const base = request('2026-11-24T09:00:01Z', '6f1c2d3e-aaaa-4bbb-8ccc-000000000001');
    const turns = [
      { ...base, messages: base.messages.slice(0, 1) },
      {
        ...request('2026-11-24T09:01:00Z', '6f1c2d3e-aaaa-4bbb-8ccc-000000000002'),
        messages: [base.messages[0], { role: 'assistant', content: 'Sure,' }],
      },
      request('2026-11-24T09:02:00Z', '6f1c2d3e-aaaa-4bbb-8ccc-000000000003'),
    ];
    const aligned = turns.map((turn) => alignAnthropicRequest(turn));
    for (const turn of aligned) assert.equal(JSON.stringify(turn.system), JSON.stringify(aligned[0].system));
    const prefill = aligned[1].messages;
    assert.equal(prefill.length, 2, 'no message added after the prefill');
    assert.deepEqual(prefill[1], { role: 'assistant', content: 'Sure,' }, 'the prefill stays last and unchanged');
    assert.match(JSON.stringify(prefill[0]), /Fix the build\..*⟦1⟧ = 2026-11-24T09:01:00Z/);
  });

  it('keeps every cached prefix of a Claude Code session, whose requests end in a system message or a prefill', () => {
    type Block = { type: string; text?: string; cache_control?: unknown; [k: string]: unknown };
    type Message = { role: string; content: Block[] };
    type Request = { system: Block[]; messages: Message[] };
    const breakpoint = { cache_control: { type: 'ephemeral' } };
    const environment = (n: number): Message => ({
      role: 'system',
      content: [{ type: 'text', text: `# Environment\nPrimary working directory: /work (turn ${n})`, ...breakpoint }],
    });
    // The first user message keeps a breakpoint; Claude Code's other one sits on the newest message.
    const history: Message[] = [{ role: 'user', content: [{ type: 'text', text: 'Fix the build.', ...breakpoint }] }];
    const turns: Request[] = [];
    for (let n = 0; n < 6; n++) {
      const date = n < 3 ? '2026-11-24' : '2026-11-25';
      const system = [{ type: 'text', text: `You are Claude Code. Today is ${date}.`, ...breakpoint }];
      const end = n === 4 ? { role: 'assistant', content: [{ type: 'text', text: 'Sure,' }] } : environment(n);
      turns.push({ system, messages: [...history, end] });
      history.push(
        { role: 'assistant', content: [{ type: 'tool_use', id: `t${n}`, name: 'Bash', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: `t${n}`, content: `ok ${n}` }] },
      );
    }
    const blocksOf = (request: Request) => [
      ...request.system.map((b) => JSON.stringify(b)),
      ...request.messages.flatMap((m) => m.content.map((b) => m.role + JSON.stringify(b))),
    ];
    /** The breakpoints of one request whose prefix the next request repeats: what it reads from the cache. */
    const hits = (previous: Request, next: Request) => {
      const [before, after] = [blocksOf(previous), blocksOf(next)];
      return before.flatMap((block, i) =>
        block.includes('"cache_control"') && before.slice(0, i + 1).every((b, k) => after[k] === b) ? [i] : [],
      );
    };
    const aligned = turns.map((t) => alignAnthropicRequest(t));
    for (let n = 1; n < turns.length; n++) {
      const direct = hits(turns[n - 1], turns[n]);
      const through = hits(aligned[n - 1], aligned[n]);
      assert.ok(
        direct.every((i) => through.includes(i)),
        `turn ${n}: every prefix the direct lane keeps is kept`,
      );
      assert.ok(
        through.includes(0) && through.includes(1),
        `turn ${n}: system prompt and first message read from the cache`,
      );
    }
    assert.equal(hits(turns[2], turns[3]).length, 0, 'the date change breaks every prefix of the direct lane');
    for (const [n, request] of aligned.entries()) {
      const blocks = blocksOf(request);
      const note = blocks.findIndex((b) => b.includes('<headroom-values>'));
      const lastBreakpoint = blocks.map((b) => b.includes('"cache_control"')).lastIndexOf(true);
      assert.ok(note > lastBreakpoint, `turn ${n}: the note comes after the last breakpoint`);
    }
  });

  it('numbers a value that repeats with one placeholder and leaves ordinary numbers alone', () => {
    const { texts, values } = alignTexts(['at 12:30:01 and again at 12:30:01, build 42, version 2.1.3']);
    assert.equal(texts[0], 'at ⟦1⟧ and again at ⟦1⟧, build 42, version 2.1.3');
    assert.equal(values.length, 1);
  });
});

describe('CacheAligner on OpenAI requests', () => {
  function codexTurn(time: string) {
    return {
      model: 'gpt-5-codex',
      instructions: `You are Codex, a coding agent. Session started ${time}.`,
      input: [
        {
          type: 'message',
          role: 'developer',
          content: [
            {
              type: 'input_text',
              text: `<environment_context><cwd>/tmp/codex-run-8f2k1/repo</cwd><now>${time}</now></environment_context>`,
            },
          ],
        },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Run the tests.' }] },
        { type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: 'ok' },
      ],
    };
  }

  it('keeps instructions and every input item byte-identical across Responses turns, the values in a final user item', () => {
    const a = alignOpenAIRequest(codexTurn('2026-11-24T09:00:01Z'), 'openai-responses');
    const b = alignOpenAIRequest(codexTurn('2026-11-24T09:03:17Z'), 'openai-responses');
    assert.equal(a.instructions, b.instructions);
    assert.equal(JSON.stringify(a.input.slice(0, -1)), JSON.stringify(b.input.slice(0, -1)));
    assert.equal(a.input.length, 5);
    const note = JSON.stringify(a.input.at(-1));
    assert.match(note, /"role":"user"/);
    assert.match(note, /2026-11-24T09:00:01Z/);
    assert.match(note, /\/tmp\/codex-run-8f2k1\/repo/);
  });

  it('appends the note to a final user message in Chat Completions, and after tool results as a user message', () => {
    const chat = {
      messages: [
        { role: 'system', content: 'Now is 2026-11-24T09:00:01Z.' },
        { role: 'user', content: 'hi' },
      ],
    };
    const aligned = alignOpenAIRequest(chat, 'openai-chat');
    assert.equal(aligned.messages[0].content, 'Now is ⟦1⟧.');
    assert.match(aligned.messages[1].content, /^hi\n\n<headroom-values>[\s\S]*⟦1⟧ = 2026-11-24T09:00:01Z/);
    const endsInTool = {
      messages: [
        { role: 'system', content: 'Now is 2026-11-24T09:07:00Z.' },
        chat.messages[1],
        { role: 'assistant', content: null, tool_calls: [] },
        { role: 'tool', tool_call_id: 'x', content: 'ok' },
      ],
    };
    const afterTool = alignOpenAIRequest(endsInTool, 'openai-chat').messages as Array<Record<string, unknown>>;
    assert.equal(afterTool[0].content, 'Now is ⟦1⟧.', 'the same system bytes as the turn before');
    assert.deepEqual(afterTool.slice(1, 4), endsInTool.messages.slice(1), 'the conversation itself is untouched');
    assert.equal(afterTool[4].role, 'user');
    assert.match(JSON.stringify(afterTool[4].content), /⟦1⟧ = 2026-11-24T09:07:00Z/);
  });
});

describe('CacheAligner on Gemini requests', () => {
  const turn = (time: string, last: Record<string, unknown>) => ({
    systemInstruction: { parts: [{ text: `You are Gemini CLI. Today is ${time}.` }] },
    contents: [{ role: 'user', parts: [{ text: 'List the files.' }] }, last],
  });

  it('aligns the system instruction and puts the values after the last turn', () => {
    const a = alignGeminiRequest(turn('2026-11-24T09:00:01Z', { role: 'user', parts: [{ text: 'and now?' }] }));
    const response = { role: 'user', parts: [{ functionResponse: { name: 'ls', response: { output: 'a' } } }] };
    const b = alignGeminiRequest(turn('2026-11-24T10:00:01Z', response));
    assert.equal(JSON.stringify(a.systemInstruction), JSON.stringify(b.systemInstruction));
    assert.match(JSON.stringify(a.contents[1]), /and now\?.*⟦1⟧ = 2026-11-24T09:00:01Z/);
    assert.deepEqual(b.contents[1], response, 'function responses keep their turn to themselves');
    assert.match(JSON.stringify(b.contents[2]), /"role":"user".*⟦1⟧ = 2026-11-24T10:00:01Z/);
  });
});
