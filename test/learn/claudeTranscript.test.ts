import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { planLearn } from '../../src/learn/learn';
import { claudeProjectFolder } from '../../src/learn/transcriptFiles';
import { tempDir } from '../helpers/tempDir';

/** Claude Code records as its transcripts hold them: an assistant tool_use, then a user tool_result with toolUseResult beside it. */
function exchange(
  session: string,
  cwd: string,
  id: string,
  input: Record<string, unknown>,
  name: string,
  output: string,
  isError: boolean,
  sidechain: boolean,
): string[] {
  const base = {
    sessionId: session,
    cwd,
    version: '2.1.331',
    isSidechain: sidechain,
    userType: 'external',
    timestamp: '2026-11-26T10:00:00.000Z',
  };
  return [
    JSON.stringify({
      ...base,
      type: 'assistant',
      message: {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Trying.' },
          { type: 'tool_use', id, name, input },
        ],
      },
    }),
    JSON.stringify({
      ...base,
      type: 'user',
      message: {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: id, content: output, is_error: isError }],
      },
      toolUseResult: isError ? `Error: ${output}` : { stdout: output, stderr: '' },
    }),
  ];
}

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
