import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Serialized } from '@langchain/core/load/serializable';
import {
  AIMessage,
  AIMessageChunk,
  HumanMessage,
  SystemMessage,
  ToolMessage,
  type BaseMessage,
} from '@langchain/core/messages';
import { FakeListChatModel, FakeStreamingChatModel } from '@langchain/core/utils/testing';
import { HeadroomChatModel, headroomRetrieveTool, MemoryStore } from '../../src/langchain';
import { bglLog } from '../helpers/corpora';
import { bigJson } from '../helpers/toolOutputs';

const MARKER_HASH = /retrieve hash=([0-9a-f]{8,64})/;

/** What the wrapped model was given, as LangChain's own callbacks report it. */
function recorder() {
  const seen: BaseMessage[][] = [];
  return {
    seen,
    callbacks: [{ handleChatModelStart: (_llm: Serialized, messages: BaseMessage[][]) => void seen.push(messages[0]) }],
  };
}

function conversation(toolOutput: string | ToolMessage['content']): BaseMessage[] {
  return [
    new SystemMessage('You are a site reliability engineer.'),
    new HumanMessage('Which nodes had a data TLB error?'),
    new AIMessage({ content: '', tool_calls: [{ id: 'call_1', name: 'read_log', args: { path: 'bgl.log' } }] }),
    new ToolMessage({ content: toolOutput, tool_call_id: 'call_1', name: 'read_log' }),
  ];
}

describe('HeadroomChatModel (real LangChain, fake chat models)', () => {
  it('invoke: the wrapped model gets the tool output compressed, everything else as it was', async () => {
    const { seen, callbacks } = recorder();
    const model = new HeadroomChatModel({
      model: new FakeListChatModel({ responses: ['node R02-M1 had it'], callbacks }),
    });
    const messages = conversation(bglLog().text);
    const answer = await model.invoke(messages);
    assert.equal(answer.content, 'node R02-M1 had it');

    const given = seen[0];
    assert.equal(given.length, 4);
    for (const i of [0, 1, 2]) assert.equal(given[i], messages[i], 'non-tool messages pass as the same objects');
    const tool = given[3] as ToolMessage;
    assert.ok(ToolMessage.isInstance(tool));
    assert.equal(tool.tool_call_id, 'call_1');
    assert.equal(tool.name, 'read_log');
    assert.ok((tool.content as string).length < bglLog().text.length / 4);
    assert.match(tool.content as string, /data TLB error/, 'the lines the question is about stay');
    assert.match(tool.content as string, MARKER_HASH);
    assert.equal(model.lastCompression.compressedMessages, 1);
    assert.ok(model.lastCompression.tokensAfter < model.lastCompression.tokensBefore / 4);
  });

  it('stream: chunks come through as the wrapped model streams them', async () => {
    const { seen, callbacks } = recorder();
    const model = new HeadroomChatModel({
      model: new FakeListChatModel({ responses: ['streamed answer'], callbacks }),
    });
    let text = '';
    let chunks = 0;
    for await (const chunk of await model.stream(conversation(bigJson()))) {
      text += chunk.text;
      chunks++;
    }
    assert.equal(text, 'streamed answer');
    assert.ok(chunks > 1, 'streamed in pieces, not buffered into one');
    const tool = seen[0][3] as ToolMessage;
    const compressed = JSON.parse(tool.content as string) as unknown;
    assert.ok(Array.isArray(compressed) || typeof compressed === 'object', 'compressed JSON is still JSON');
    assert.ok((tool.content as string).length < bigJson().length / 2);
  });

  it('compresses text blocks of a tool message and leaves small outputs alone', async () => {
    const { seen, callbacks } = recorder();
    const model = new HeadroomChatModel({ model: new FakeListChatModel({ responses: ['ok', 'ok'], callbacks }) });
    await model.invoke(
      conversation([
        { type: 'text', text: bglLog().text },
        { type: 'text', text: 'exit code 0' },
      ]),
    );
    const blocks = (seen[0][3] as ToolMessage).content as Array<{ type: string; text: string }>;
    assert.ok(blocks[0].text.length < bglLog().text.length / 4);
    assert.equal(blocks[1].text, 'exit code 0');

    const small = conversation('three lines\nof output\nonly');
    await model.invoke(small);
    assert.equal(seen[1][3], small[3], 'a small tool output is passed as the very same message');
    assert.equal(model.lastCompression.compressedMessages, 0);
  });

  it('binds tools through to the wrapped model, and headroom_retrieve expands a marker from the same store', async () => {
    const store = new MemoryStore();
    const retrieve = headroomRetrieveTool(store);
    const call = new AIMessageChunk({
      content: '',
      tool_calls: [{ id: 'call_2', name: 'headroom_retrieve', args: { hash: 'x' } }],
    });
    const model = new HeadroomChatModel({ model: new FakeStreamingChatModel({ chunks: [call] }), store }).bindTools([
      retrieve,
    ]);
    assert.ok(model instanceof HeadroomChatModel);
    assert.equal(model.store, store);
    const answer = await model.invoke(conversation(bglLog().text));
    assert.equal(answer.tool_calls?.[0].name, 'headroom_retrieve', 'the bound model answered');
    assert.equal(model.lastCompression.compressedMessages, 1);

    // The same content compresses to the same text (the memo), so this is the marker the model saw.
    const hash = MARKER_HASH.exec(
      (await model.compressMessages(conversation(bglLog().text)))[3].content as string,
    )?.[1];
    assert.ok(hash);
    const part = String(await retrieve.invoke({ hash, query: 'data TLB error interrupt', limit: 3 }));
    assert.match(part, /^\[headroom: original [0-9a-f]+: lines 1–3 of the \d+ matching "data TLB error interrupt"/);
    assert.equal(part.split('\n').slice(1).length, 3);
    const unknown = String(await retrieve.invoke({ hash: 'abcdef0123456789abcdef01' }));
    assert.match(unknown, /No original is stored for hash abcdef0123456789abcdef01/);
  });

  it('refuses bindTools on a wrapped runnable that cannot bind, with a clear message', () => {
    const bound = new FakeListChatModel({ responses: ['x'] }).withConfig({ tags: ['no-tools'] });
    assert.throws(() => new HeadroomChatModel({ model: bound as never }).bindTools([]), /does not support tools/);
  });
});
