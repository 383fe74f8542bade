import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { planLearn } from '../../src/learn/learn';
import { claudeProjectFolder } from '../../src/learn/transcriptFiles';
import { claudeExchange as exchange } from '../helpers/learnTranscripts';
import { tempDir } from '../helpers/tempDir';

describe('Claude Code transcripts, subagents included', () => {
  it('reads the session and its subagents as threads of their own, passing over record types it does not know', async () => {
    const dir = tempDir();
    const workspace = join(dir, 'work space');
    const folder = join(dir, 'claude', 'projects', claudeProjectFolder(workspace));
    mkdirSync(join(folder, 'sess-1', 'subagents'), { recursive: true });
    writeFileSync(
      join(folder, 'sess-1.jsonl'),
      [
        JSON.stringify({ type: 'summary', summary: 'Fix the build', leafUuid: 'x' }),
        JSON.stringify({ type: 'file-history-snapshot', snapshot: {} }),
        ...exchange(
          'sess-1',
          workspace,
          'toolu_1',
          { command: 'python -m pytest' },
          'Bash',
          'Exit code 127\n/bin/bash: line 1: python: command not found',
          true,
          false,
        ),
        ...exchange(
          'sess-1',
          workspace,
          'toolu_2',
          { command: 'python3 -m pytest' },
          'Bash',
          '12 passed',
          false,
          false,
        ),
        ...exchange(
          'sess-1',
          workspace,
          'toolu_5',
          { command: 'npm run tests' },
          'Bash',
          'Exit code 1\nnpm error Missing script: "tests"',
          true,
          false,
        ),
      ].join('\n'),
    );
    writeFileSync(
      join(folder, 'sess-1', 'subagents', 'agent-a1.jsonl'),
      [
        // Another thread of the same session: it does not fix the main thread's failure.
        ...exchange('sess-1', workspace, 'toolu_6', { command: 'npm test' }, 'Bash', 'ok', false, true),
        ...exchange(
          'sess-1',
          workspace,
          'toolu_3',
          { file_path: join(workspace, 'src', 'settings.py') },
          'Read',
          'File does not exist.',
          true,
          true,
        ),
        ...exchange(
          'sess-1',
          workspace,
          'toolu_4',
          { file_path: join(workspace, 'app', 'settings.py') },
          'Read',
          '1\tDEBUG = False',
          false,
          true,
        ),
      ].join('\n'),
    );

    const report = await planLearn({
      workspace,
      agent: 'claude',
      claudeDir: join(dir, 'claude'),
      codexDir: join(dir, 'codex'),
    });
    assert.equal(report.transcripts, 2);
    assert.equal(report.calls, 6);
    assert.equal(report.failures, 3);
    assert.deepEqual(report.findings.map((f) => f.text).sort(), [
      '`python` is not installed here; `python3 -m pytest` works instead.',
      '`src/settings.py` does not exist; the file is `app/settings.py`.',
    ]);
    assert.deepEqual(
      report.changes.map((c) => c.file),
      [join(workspace, 'CLAUDE.md')],
    );
  });
});
