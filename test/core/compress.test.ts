import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compress } from '../../src/core/compress';
import { MemoryStore } from '../../src/core/memoryStore';
import { bigJson, bigLog } from '../helpers/toolOutputs';

function anthropicConversation(turns: number) {
  const messages: Array<Record<string, unknown>> = [
    {
      role: 'user',
      content: [
        { type: 'text', text: '<system-reminder>Today is 2026-11-24.</system-reminder>' },
        { type: 'text', text: 'Why did the nodes fail overnight?' },
      ],
    },
  ];
  for (let t = 0; t < turns; t++) {
    messages.push({
      role: 'assistant',
      content: [
        { type: 'text', text: `Looking (${t}).` },
        { type: 'tool_use', id: `toolu_${t}`, name: 'Bash', input: { command: `cat log${t}` } },
      ],
    });
    messages.push({
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: `toolu_${t}`,
          content: t % 2 === 0 ? bigLog() : [{ type: 'text', text: bigJson() }],
          cache_control: { type: 'ephemeral' },
        },
      ],
    });
  }
  return messages;
}

describe('compress(messages)', () => {
  it('compresses Anthropic tool_result blocks and nothing else, without touching the input', async () => {
    const messages = anthropicConversation(2);
    const snapshot = JSON.stringify(messages);
    const result = await compress(messages, { store: new MemoryStore() });
    assert.equal(result.format, 'anthropic');
    assert.equal(JSON.stringify(messages), snapshot, 'input not mutated');
    assert.equal(result.messages.length, messages.length);
    assert.equal(result.items.length, 2);
    assert.deepEqual(
      result.items.map((i) => i.tool),
      ['Bash', 'Bash'],
    );
    assert.deepEqual(
      result.items.map((i) => i.kind),
      ['log', 'json'],
    );
    assert.ok(result.tokensAfter < result.tokensBefore * 0.3);
    for (let i = 0; i < messages.length; i++) {
      if (i === 2 || i === 4) continue;
      assert.equal(result.messages[i], messages[i], `message ${i} is shared, not copied`);
    }
    const block = (result.messages[2].content as Array<Record<string, unknown>>)[0];
    assert.equal(block.tool_use_id, 'toolu_0');
    assert.deepEqual(block.cache_control, { type: 'ephemeral' });
    assert.match(block.content as string, /retrieve hash=/);
    const listBlock = (result.messages[4].content as Array<Record<string, unknown>>)[0];
    const parts = listBlock.content as Array<Record<string, unknown>>;
    assert.equal(parts[0].type, 'text');
    assert.doesNotThrow(() => JSON.parse(parts[0].text as string));
  });

  it('uses the latest user text, without system reminders, as the query', async () => {
    const messages = anthropicConversation(1);
    const seen: string[] = [];
    const result = await compress(messages, {
      store: new MemoryStore(),
      scorer: {
        name: 'spy',
        score: (query, docs) => {
          seen.push(query);
          return docs.map(() => 0);
        },
      },
    });
    assert.ok(result.items[0].compressed);
    assert.deepEqual([...new Set(seen)], ['Why did the nodes fail overnight?']);
  });

  it('compresses OpenAI chat tool messages', async () => {
    const messages = [
      { role: 'system', content: 'You are helpful.' },
      { role: 'user', content: 'Summarise the failures' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'read_logs', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: bigLog() },
    ];
    const result = await compress(messages, { store: new MemoryStore() });
    assert.equal(result.format, 'openai-chat');
    assert.equal(result.items[0].tool, 'read_logs');
    assert.ok(result.items[0].compressed);
    assert.equal(result.messages[0], messages[0]);
    assert.equal((result.messages[3] as { tool_call_id: string }).tool_call_id, 'call_1');
  });

  it('compresses OpenAI Responses function_call_output items', async () => {
    const items = [
      { role: 'user', content: [{ type: 'input_text', text: 'What failed?' }] },
      { type: 'function_call', call_id: 'fc_1', name: 'shell', arguments: '{"cmd":"cat app.log"}' },
      { type: 'function_call_output', call_id: 'fc_1', output: bigLog() },
    ];
    const result = await compress(items, { store: new MemoryStore() });
    assert.equal(result.format, 'openai-responses');
    assert.equal(result.items[0].tool, 'shell');
    assert.ok((result.messages[2] as { output: string }).output.length < bigLog().length / 3);
    assert.equal(result.messages[1], items[1]);
  });

  it('replays a tool output byte-identically in later turns, whatever the new question', async () => {
    const store = new MemoryStore();
    const conversation = anthropicConversation(3);
    const first = await compress(conversation.slice(0, 3), { store });
    const later = [...conversation, { role: 'user', content: 'Now tell me about checkout latency instead.' }];
    const second = await compress(later, { store });
    assert.equal(JSON.stringify(second.messages[2]), JSON.stringify(first.messages[2]));
    assert.equal(second.items[0].cached, true);
    assert.equal(second.items[2].cached, true, 'same log content seen again is replayed');
  });

  it('leaves small tool outputs untouched', async () => {
    const messages = [
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'x', content: 'ok: 3 files changed' }] },
    ];
    const result = await compress(messages, { store: new MemoryStore() });
    assert.equal(result.messages[0], messages[0]);
    assert.equal(result.items[0].reason, 'below-threshold');
  });

  it('stops compressing once the deadline has passed', async () => {
    const result = await compress(anthropicConversation(2), { store: new MemoryStore(), deadline: Date.now() - 1 });
    assert.deepEqual(
      result.items.map((i) => i.reason),
      ['deadline', 'deadline'],
    );
    assert.deepEqual(
      result.items.map((i) => i.compressed),
      [false, false],
    );
  });
});
