import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { planLearn } from '../../src/learn/learn';
import { claudeProjectFolder, jsonlFiles } from '../../src/learn/transcriptFiles';
import { LEARN_PROMPT, runClaude } from '../helpers/claudeCli';
import { headroom } from '../helpers/cli';
import { startFakeUpstream } from '../helpers/fakeUpstream';
import { tempDir } from '../helpers/tempDir';

describe('learn from real Claude Code transcripts', () => {
  const dir = tempDir();

  it('finds the wrong npm script and the wrong path, each paired with its fix, and writes them idempotently', async () => {
    const workspace = join(dir, 'my.project');
    const home = join(dir, 'home');
    mkdirSync(join(workspace, 'packages', 'app', 'config'), { recursive: true });
    mkdirSync(home);
    writeFileSync(
      join(workspace, 'package.json'),
      JSON.stringify({ name: 'learn-fixture', scripts: { test: 'echo all 12 tests passed' } }),
    );
    writeFileSync(join(workspace, 'packages', 'app', 'config', 'app.json'), '{"port": 8080}');
    writeFileSync(join(workspace, 'CLAUDE.md'), '# My project\n\nUse tabs.\n');
    const upstream = await startFakeUpstream({ script: 'learn' });
    try {
      const run = await runClaude({
        cwd: workspace,
        prompt: LEARN_PROMPT,
        allowedTools: 'Bash,Read',
        env: { HOME: home, ANTHROPIC_BASE_URL: upstream.url, ANTHROPIC_API_KEY: 'sk-ant-learn-test' },
      });
      assert.equal(run.code, 0, run.stderr);
    } finally {
      await upstream.close();
    }
    const transcripts = jsonlFiles(join(home, '.claude', 'projects', claudeProjectFolder(workspace)));
    assert.equal(transcripts.length, 1, 'Claude Code wrote its transcript where learn looks for it');

    const report = await planLearn({
      workspace,
      agent: 'claude',
      claudeDir: join(home, '.claude'),
      codexDir: join(home, '.codex'),
    });
    assert.deepEqual(report.findings.map((f) => f.text).sort(), [
      'Run `npm test`, not `npm run tests`: there is no "tests" script.',
      '`config/app.json` does not exist; the file is `packages/app/config/app.json`.',
    ]);
    assert.ok(report.findings.every((f) => f.occurrences === 1 && f.tokens > 0));
    assert.equal(report.calls, 4);

    const dry = headroom(['learn', '--agent', 'claude', '--workspace', workspace], undefined, { HOME: home });
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /\+- Run `npm test`, not `npm run tests`/);
    assert.match(dry.stdout, /Dry run: nothing was written/);
    assert.equal(readFileSync(join(workspace, 'CLAUDE.md'), 'utf8'), '# My project\n\nUse tabs.\n');

    const applied = headroom(['learn', '--agent', 'claude', '--workspace', workspace, '--apply'], undefined, {
      HOME: home,
    });
    assert.equal(applied.code, 0, applied.stderr);
    const written = readFileSync(join(workspace, 'CLAUDE.md'), 'utf8');
    assert.ok(written.startsWith('# My project\n\nUse tabs.\n\n<!-- headroom:learn:start -->\n'));
    assert.match(written, /- `config\/app.json` does not exist; the file is `packages\/app\/config\/app.json`\./);
    assert.equal(readFileSync(join(workspace, 'CLAUDE.md.headroom-backup'), 'utf8'), '# My project\n\nUse tabs.\n');
    assert.equal(existsSync(join(workspace, 'AGENTS.md')), false, '--agent claude writes CLAUDE.md only');

    const again = headroom(['learn', '--agent', 'claude', '--workspace', workspace, '--apply'], undefined, {
      HOME: home,
    });
    assert.match(again.stdout, /already up to date/);
    assert.equal(
      readFileSync(join(workspace, 'CLAUDE.md'), 'utf8'),
      written,
      'a re-run with the same transcripts changes nothing',
    );
  });
});
