import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countTokens as exact } from 'gpt-tokenizer/encoding/o200k_base';
import { countTokens } from '../../src/core/tokens';
import { corpusFile } from '../helpers/corpora';

describe('token counting', () => {
  it('is exact for short texts', () => {
    const text = 'Headroom compresses tool output. ';
    assert.equal(countTokens(text), exact(text));
  });

  it('estimates long texts within 3% of the exact count', () => {
    for (const [dir, name] of [
      ['logs', 'OpenStack_2k.log'],
      ['logs', 'BGL_2k.log'],
      ['json', 'github-paginate-issues.json'],
    ]) {
      const text = corpusFile(dir, name);
      const truth = exact(text);
      const estimate = countTokens(text);
      assert.ok(Math.abs(estimate - truth) / truth < 0.03, `${name}: estimate ${estimate}, exact ${truth}`);
    }
  });
});
