import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { GRAMMARS } from '../../src/syntax/treeSitterParser';
import { REPO_ROOT } from '../helpers/corpora';

describe('the shipped grammars', () => {
  it('are the ones the parser loads: the build copies every grammar a language names, and nothing else', async () => {
    const { GRAMMAR_FILES } = (await import(pathToFileURL(join(REPO_ROOT, 'scripts', 'grammars.mjs')).href)) as {
      GRAMMAR_FILES: string[];
    };
    assert.deepEqual([...GRAMMAR_FILES].sort(), Object.values(GRAMMARS).sort());
  });
});
