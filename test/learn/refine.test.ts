import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeLearnBlock } from '../../src/learn/learnBlock';
import { anthropicRefiner, refineLines } from '../../src/learn/refine';
import { headroom } from '../helpers/cli';
import { startFakeUpstream } from '../helpers/fakeUpstream';

const LINES = [
  'Run `npm test`, not `npm run tests`: there is no "tests" script.',
  '`rg` is not installed here; `grep -rn handler src` works instead.',
];

describe('learn --refine (a language model rewords, the facts stay)', () => {
  it('uses a reworded line only when it keeps every command and path', async () => {
    const model = await startFakeUpstream({ script: 'refine' });
    try {
      const refined = await refineLines(
        LINES,
        anthropicRefiner({ baseUrl: model.url, apiKey: 'sk-ant-refine', model: 'claude-haiku-4-5' }),
      );
      assert.deepEqual(refined, ['Do this: `npm test` instead of `npm run tests`.', LINES[1]]);
      const sent = model.requests[0];
      assert.equal(sent.url, '/v1/messages');
      assert.equal(sent.headers['x-api-key'], 'sk-ant-refine');
      const body = JSON.parse(sent.body.toString()) as {
        model: string;
        system: string;
        messages: Array<{ content: string }>;
      };
      assert.equal(body.model, 'claude-haiku-4-5');
      assert.match(body.system, /Keep every `code span` exactly/);
      assert.deepEqual(JSON.parse(body.messages[0].content), LINES);
    } finally {
      await model.close();
    }
  });

  it('fails loudly on an answer that is not a JSON array, so the caller keeps the lines as found', async () => {
    const model = await startFakeUpstream();
    try {
      await assert.rejects(
        refineLines(LINES, anthropicRefiner({ baseUrl: model.url, apiKey: 'k', model: 'm' })),
        /did not answer with a JSON array/,
      );
    } finally {
      await model.close();
    }
  });

  it('a reworded line from an earlier run is not added again in other words', () => {
    const first = mergeLearnBlock(undefined, ['Do this: `npm test` instead of `npm run tests`.']).text;
    assert.equal(mergeLearnBlock(first, [LINES[0]]).text, first, 'same commands, same correction');
    assert.notEqual(mergeLearnBlock(first, [LINES[1]]).text, first);
  });

  it('asks for an API key before it tries', () => {
    const result = headroom(['learn', '--refine', '--workspace', '/nonexistent'], undefined, { ANTHROPIC_API_KEY: '' });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--refine asks a model through the Anthropic API: set ANTHROPIC_API_KEY/);
  });
});
