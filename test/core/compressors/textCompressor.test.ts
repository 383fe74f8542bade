import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compressWithStore } from '../../helpers/engine';

describe('code and prose compressors', () => {
  it('never changes code apart from exact repetition', async () => {
    const source = Array.from(
      { length: 200 },
      (_, i) => `export function handler${i}(input: Input): Output {\n  return transform(input, ${i});\n}\n`,
    ).join('\n');
    const { result } = await compressWithStore(source);
    assert.equal(result.kind, 'code');
    assert.equal(result.compressed, false);
    assert.equal(result.text, source);
  });

  it('folds a block repeated verbatim', async () => {
    const block = Array.from({ length: 12 }, (_, i) => `    at frame${i} (/app/lib/module${i}.js:${i + 10}:5)`).join(
      '\n',
    );
    const parts = Array.from({ length: 20 }, (_, i) => `Warning ${i}: retrying request\n\n${block}\n`);
    const { result } = await compressWithStore(parts.join('\n'), { kind: 'code' });
    assert.equal(result.compressed, true);
    assert.equal(result.text.split(block).length - 1, 1, 'the block appears once');
    assert.match(result.text, /\[headroom: 12 lines repeating lines 3–14\]/);
  });

  it('keeps the paragraphs of a long text that answer the question', async () => {
    const filler = (i: number) =>
      `Paragraph ${i} describes the general architecture of the system in broad terms, covering modules, layers and conventions that apply everywhere in the codebase without going into specifics.`;
    const paragraphs = Array.from({ length: 100 }, (_, i) => filler(i));
    paragraphs[37] =
      'The retry budget for payment webhooks is eleven attempts with exponential backoff, after which the event is parked in the dead letter queue.';
    const { result } = await compressWithStore(paragraphs.join('\n\n'), {
      query: 'how many retry attempts do payment webhooks get?',
      kind: 'prose',
    });
    assert.equal(result.compressed, true);
    assert.ok(result.text.includes(paragraphs[37]));
    assert.ok(result.text.includes(paragraphs[0]), 'the opening stays');
  });
});
