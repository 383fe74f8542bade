import { spawn } from 'node:child_process';
import { e2eTools } from './e2eTools';

/** What the fake model's `learn` script answers to: a wrong npm script and a wrong path, each followed by the right one. */
export const LEARN_PROMPT = 'Run the tests and read the app config.';

export interface ClaudeRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `claude -p PROMPT` in `cwd`, headless, with no stdin (it would wait for one) and quiet:
 * no update check, no non-essential traffic. Asynchronous, so a fake model served by the
 * calling process can answer. `env` adds the base URL, key and HOME of the test.
 */
export function runClaude(options: {
  cwd: string;
  prompt: string;
  allowedTools: string;
  env: NodeJS.ProcessEnv;
  maxTurns?: number;
}): Promise<ClaudeRun> {
  return new Promise((resolve) => {
    const child = spawn(
      e2eTools().claudeBin,
      ['-p', options.prompt, '--allowedTools', options.allowedTools, '--max-turns', String(options.maxTurns ?? 8)],
      {
        cwd: options.cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: process.env.PATH,
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
          DISABLE_AUTOUPDATER: '1',
          ...options.env,
        },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
