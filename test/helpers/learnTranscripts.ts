import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { claudeProjectFolder } from '../../src/learn/transcriptFiles';

/** Claude Code records as its transcripts hold them: an assistant tool_use, then a user tool_result with toolUseResult beside it. */
export function claudeExchange(
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

/**
 * A Claude Code project folder for `workspace` under `claudeDir`, holding one session whose
 * agent ran `failed` (command not found) and then `fixed` (which worked): the shape of one correction.
 * Returns the transcript's path.
 */
export function claudeSessionWithCorrection(
  claudeDir: string,
  workspace: string,
  failed: string,
  fixed: string,
): string {
  const folder = join(claudeDir, 'projects', claudeProjectFolder(workspace));
  mkdirSync(folder, { recursive: true });
  const name = failed.split(/\s/)[0];
  const file = join(folder, 'sess-1.jsonl');
  writeFileSync(
    file,
    [
      ...claudeExchange(
        'sess-1',
        workspace,
        'toolu_1',
        { command: failed },
        'Bash',
        `Exit code 127\n/bin/bash: line 1: ${name}: command not found`,
        true,
        false,
      ),
      ...claudeExchange('sess-1', workspace, 'toolu_2', { command: fixed }, 'Bash', '12 passed', false, false),
    ].join('\n'),
  );
  return file;
}
