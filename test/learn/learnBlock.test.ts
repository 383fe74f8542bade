import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LEARN_END, LEARN_START, mergeLearnBlock } from '../../src/learn/learnBlock';

const block = (...lines: string[]) =>
  `${LEARN_START}\n## Learned from earlier agent sessions (headroom learn)\n\n${lines.map((l) => `- ${l}`).join('\n')}\n${LEARN_END}`;

describe('the learn block in CLAUDE.md / AGENTS.md', () => {
  it('creates a file, or appends to one without a block, keeping what is there', () => {
    assert.equal(mergeLearnBlock(undefined, ['a']).text, `${block('a')}\n`);
    assert.equal(mergeLearnBlock('# Notes\nkeep me\n\n\n', ['a']).text, `# Notes\nkeep me\n\n${block('a')}\n`);
  });

  it('merges into an existing block: earlier lines stay first, new ones follow, text around is byte-identical', () => {
    const before = `intro  \r\n${block('old one', 'shared')}\ntrailing text without newline`;
    const { text, repaired } = mergeLearnBlock(before, ['shared', 'new one']);
    assert.equal(repaired, undefined);
    assert.equal(text, `intro  \r\n${block('old one', 'shared', 'new one')}\ntrailing text without newline`);
    assert.equal(mergeLearnBlock(text, ['shared', 'new one']).text, text, 'idempotent');
  });

  it('repairs a damaged pair without losing a word the user wrote', () => {
    for (const damaged of [
      `top\n${LEARN_START}\n- orphaned\nuser text after\n`,
      `top\n${LEARN_END}\nuser text\n${LEARN_START}\n`,
      `${LEARN_START}\n${LEARN_START}\n- x\n${LEARN_END}\n`,
    ]) {
      const { text, repaired } = mergeLearnBlock(damaged, ['fresh']);
      assert.match(repaired ?? '', /removed them and wrote a fresh block/);
      assert.equal(text.split(LEARN_START).length, 2, 'exactly one start marker');
      assert.equal(text.split(LEARN_END).length, 2, 'exactly one end marker');
      for (const words of damaged.split('\n').filter((l) => l && !l.includes('headroom:learn')))
        assert.ok(text.includes(words), `kept "${words}"`);
      assert.ok(text.endsWith(`${block('fresh')}\n`));
    }
  });
});
