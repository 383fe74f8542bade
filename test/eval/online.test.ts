import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generatedQa } from '../../eval/corpora';
import { evaluateOnline, tokenF1 } from '../../eval/online';
import { startFakeUpstream } from '../helpers/fakeUpstream';

describe('the online evaluation, against a fake model', () => {
  it('asks with the original and the compressed context, answers retrieve calls from the store, and scores both', async () => {
    const model = await startFakeUpstream({ script: 'qa' });
    try {
      const items = generatedQa().filter((_, i) => i % 10 === 0);
      const result = await evaluateOnline(items, { baseUrl: model.url, apiKey: 'sk-ant-eval', model: 'claude-fake' });
      assert.equal(result.items, 4);
      assert.equal(result.original.correct, 4, 'the fake model finds every answer in the original');
      assert.equal(result.compressed.correct, 4, 'and in the compressed context, or one retrieve away');
      assert.ok(result.tokensCompressed < result.tokensOriginal / 10);
      assert.equal(
        model.requests.length,
        8 + result.retrievals,
        'one request per context, one more per retrieve round',
      );
      const sent = JSON.parse(model.requests[1].body.toString()) as { tools: Array<{ name: string }> };
      assert.deepEqual(
        sent.tools.map((t) => t.name),
        ['headroom_retrieve', 'read_output'],
      );
    } finally {
      await model.close();
    }
  });

  it("answers the model's retrieve calls from the store, and stops after three rounds", async () => {
    const model = await startFakeUpstream({ script: 'qa' });
    try {
      const context = Array.from(
        { length: 3_000 },
        (_, i) => `2026-11-26 10:00:00 INFO worker ${i % 5} processed order ${400_000 + i}`,
      ).join('\n');
      const result = await evaluateOnline(
        [
          {
            question: 'What is the account number of Ada Lovelace 5?',
            context,
            answer: 'ACC-555555',
            lookup: 'Ada Lovelace 5',
          },
        ],
        { baseUrl: model.url, apiKey: 'k', model: 'm' },
      );
      assert.equal(
        result.retrievals,
        3,
        'the answer is nowhere, so the fake model keeps retrieving until the loop stops',
      );
      assert.equal(result.compressed.correct, 0);
      assert.equal(model.requests.length, 1 + 4);
      const last = JSON.parse(model.requests.at(-1)!.body.toString()) as {
        messages: Array<{ content: Array<{ type: string; content?: string }> | string }>;
      };
      const answered = last.messages
        .flatMap((m) => (Array.isArray(m.content) ? m.content : []))
        .filter((b) => b.type === 'tool_result' && String(b.content).startsWith('[headroom: nothing in original'));
      assert.equal(
        answered.length,
        3,
        'each retrieve was answered: nothing matches, so with the start of the original',
      );
      assert.ok(answered.every((b) => String(b.content).includes('INFO worker 0 processed order 400000')));
    } finally {
      await model.close();
    }
  });

  it('scores token F1 as SQuAD does', () => {
    assert.equal(tokenF1('ACC-123456', 'ACC-123456'), 1);
    assert.equal(tokenF1('The order was 301234.', '301234'), 0.4);
    assert.equal(tokenF1('no idea', '301234'), 0);
  });
});
