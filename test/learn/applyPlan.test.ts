import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { applyLearn, StalePlan } from '../../src/learn/applyPlan';
import { tempDir } from '../helpers/tempDir';

describe('applying a learn plan', () => {
  it('writes the planned files with a backup of what was there', () => {
    const dir = tempDir();
    const claude = join(dir, 'CLAUDE.md');
    writeFileSync(claude, 'mine\n');
    const written = applyLearn([
      { file: claude, before: 'mine\n', after: 'mine\n\nlearned\n', diff: 'x' },
      { file: join(dir, 'AGENTS.md'), before: undefined, after: 'learned\n', diff: 'x' },
    ]);
    assert.deepEqual(written, [claude, join(dir, 'AGENTS.md')]);
    assert.equal(readFileSync(claude, 'utf8'), 'mine\n\nlearned\n');
    assert.equal(readFileSync(`${claude}.headroom-backup`, 'utf8'), 'mine\n');
    assert.equal(existsSync(join(dir, 'AGENTS.md.headroom-backup')), false, 'a new file has nothing to back up');
  });

  it('writes nothing when any file changed since the plan was made', () => {
    const dir = tempDir();
    const agents = join(dir, 'AGENTS.md');
    writeFileSync(agents, 'edited after the preview\n');
    const plan = [
      { file: join(dir, 'CLAUDE.md'), before: undefined, after: 'learned\n', diff: 'x' },
      { file: agents, before: 'as it was\n', after: 'as it was\nlearned\n', diff: 'x' },
    ];
    assert.throws(
      () => applyLearn(plan),
      (error: unknown) =>
        error instanceof StalePlan && /AGENTS\.md changed since learn read it/.test((error as Error).message),
    );
    assert.equal(existsSync(join(dir, 'CLAUDE.md')), false);
    assert.equal(readFileSync(agents, 'utf8'), 'edited after the preview\n');
  });
});
