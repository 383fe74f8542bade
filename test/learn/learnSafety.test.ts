import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { applyLearn } from '../../src/learn/applyPlan';
import { planLearn } from '../../src/learn/learn';
import { LEARN_END, LEARN_START } from '../../src/learn/learnBlock';
import { MAX_LINE_BYTES } from '../../src/learn/transcriptFiles';
import { claudeSessionWithCorrection } from '../helpers/learnTranscripts';
import { tempDir } from '../helpers/tempDir';

/** SECURITY.md, "cloned repositories": a workspace decides what its files are; learn writes only regular files inside it. */

function setUp(failed = 'python -m pytest', fixed = 'python3 -m pytest') {
  const dir = tempDir();
  const workspace = join(dir, 'repo');
  mkdirSync(workspace);
  const outside = join(dir, 'home', '.bashrc');
  mkdirSync(join(dir, 'home'));
  writeFileSync(outside, 'export PATH=/usr/bin\n');
  const transcript = claudeSessionWithCorrection(join(dir, 'claude'), workspace, failed, fixed);
  const plan = () =>
    planLearn({ workspace, agent: 'claude', claudeDir: join(dir, 'claude'), codexDir: join(dir, 'codex') });
  return { workspace, outside, plan, transcript };
}

describe('security: learn in a cloned repository', () => {
  it('replaces a backup planted as a symbolic link instead of writing through it', async () => {
    const { workspace, outside, plan } = setUp();
    writeFileSync(join(workspace, 'CLAUDE.md'), 'mine\n');
    symlinkSync(outside, join(workspace, 'CLAUDE.md.headroom-backup'));
    const report = await plan();
    assert.deepEqual(applyLearn(report.changes), [join(workspace, 'CLAUDE.md')]);
    assert.equal(readFileSync(outside, 'utf8'), 'export PATH=/usr/bin\n', 'the link target is untouched');
    assert.ok(lstatSync(join(workspace, 'CLAUDE.md.headroom-backup')).isFile(), 'the backup is a file of its own');
    assert.equal(readFileSync(join(workspace, 'CLAUDE.md.headroom-backup'), 'utf8'), 'mine\n');
    assert.match(readFileSync(join(workspace, 'CLAUDE.md'), 'utf8'), /python3 -m pytest/);
  });

  it('refuses an instructions file that links out of the workspace: nothing read from there, nothing written', async () => {
    const { workspace, outside, plan } = setUp();
    symlinkSync(outside, join(workspace, 'CLAUDE.md'));
    const report = await plan();
    assert.equal(report.changes.length, 1);
    assert.match(report.changes[0].refused ?? '', /symbolic link to .*\.bashrc, outside the workspace/);
    assert.equal(report.changes[0].before, undefined, "the outside file's content was not read into the plan");
    assert.deepEqual(applyLearn(report.changes), []);
    assert.equal(readFileSync(outside, 'utf8'), 'export PATH=/usr/bin\n');
    assert.equal(readlinkSync(join(workspace, 'CLAUDE.md')), outside, 'the link is left as it was');
  });

  it('edits a file linked inside the workspace where it is, and the link stays a link', async () => {
    const { workspace, plan } = setUp();
    writeFileSync(join(workspace, 'AGENTS.md'), '# Agents\n');
    symlinkSync('AGENTS.md', join(workspace, 'CLAUDE.md'));
    const report = await plan();
    assert.deepEqual(applyLearn(report.changes), [join(workspace, 'AGENTS.md')]);
    assert.ok(lstatSync(join(workspace, 'CLAUDE.md')).isSymbolicLink());
    assert.match(readFileSync(join(workspace, 'AGENTS.md'), 'utf8'), /^# Agents\n[\s\S]*python3 -m pytest/);
  });

  it('refuses an instructions file that is not a regular file', async () => {
    const { workspace, plan } = setUp();
    mkdirSync(join(workspace, 'CLAUDE.md'));
    const report = await plan();
    assert.match(report.changes[0].refused ?? '', /not a regular file/);
    assert.deepEqual(applyLearn(report.changes), []);
  });

  it('is idempotent for a command over several lines: three runs, one correction', async () => {
    const { workspace, plan } = setUp('python -m pytest \\\n  tests/unit', 'python3 -m pytest \\\n  tests/unit');
    for (let run = 0; run < 3; run++) applyLearn((await plan()).changes);
    const text = readFileSync(join(workspace, 'CLAUDE.md'), 'utf8');
    assert.equal(text.split('python3 -m pytest').length, 2, text);
    assert.equal((await plan()).changes[0].diff, '', 'a fourth run has nothing to change');
  });

  it('keeps marker text inside a correction from closing the block early', async () => {
    const { workspace, plan } = setUp(
      `python -m grep '${LEARN_END}' CLAUDE.md`,
      `python3 -m grep '${LEARN_END}' CLAUDE.md`,
    );
    writeFileSync(join(workspace, 'CLAUDE.md'), 'mine\n');
    for (let run = 0; run < 2; run++) applyLearn((await plan()).changes);
    const text = readFileSync(join(workspace, 'CLAUDE.md'), 'utf8');
    assert.equal(text.split(LEARN_START).length, 2, 'one start marker');
    assert.equal(text.split(LEARN_END).length, 2, 'one end marker');
    assert.ok(text.trimEnd().endsWith(LEARN_END), 'nothing of the block after its end');
    assert.equal(text.split('python3 -m grep').length, 2, text);
  });

  it('skips a transcript line too long to be one string, and reads the lines after it', async () => {
    const { plan, transcript } = setUp();
    const [failed1, failed2, ...fixed] = readFileSync(transcript, 'utf8').split('\n');
    const huge = JSON.stringify({ type: 'user', note: 'x'.repeat(MAX_LINE_BYTES) });
    writeFileSync(transcript, [failed1, failed2, huge, ...fixed].join('\n'));
    const report = await plan();
    assert.equal(report.skippedLines, 1);
    assert.match(report.findings[0]?.text ?? '', /python3 -m pytest/);
  });
});
