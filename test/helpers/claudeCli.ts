import { runCli, type CliRun } from './agentCli';
import { e2eTools } from './e2eTools';

/** What the fake model's `learn` script answers to: a wrong npm script and a wrong path, each followed by the right one. */
export const LEARN_PROMPT = 'Run the tests and read the app config.';

export type ClaudeRun = CliRun;

/**
 * `claude -p PROMPT` in `cwd`, headless and quiet: no update check, no non-essential traffic.
 * `env` adds the base URL, key and HOME of the test; `continueSession` continues the last
 * conversation in `cwd` (`-c`).
 */
export function runClaude(options: {
  cwd: string;
  prompt: string;
  allowedTools: string;
  env: NodeJS.ProcessEnv;
  maxTurns?: number;
  continueSession?: boolean;
}): Promise<ClaudeRun> {
  const args = [
    '-p',
    options.prompt,
    '--allowedTools',
    options.allowedTools,
    '--max-turns',
    String(options.maxTurns ?? 8),
  ];
  return runCli(e2eTools().claudeBin, options.continueSession ? ['-c', ...args] : args, {
    cwd: options.cwd,
    env: { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1', ...options.env },
  });
}
