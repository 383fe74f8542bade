import { fork } from 'node:child_process';
import type { LearnReport } from '../learn/learn';

/**
 * Runs `headroom learn --json` for a workspace in its own process: reading transcripts of
 * hundreds of megabytes must not hold up the extension host. Resolves with the plan; nothing
 * is written. An abort kills the process.
 */
export function runLearnProcess(cliPath: string, workspace: string, signal?: AbortSignal): Promise<LearnReport> {
  return new Promise((resolve, reject) => {
    const child = fork(cliPath, ['learn', '--json', '--workspace', workspace], {
      silent: true,
      signal,
      // Inside the editor the runtime is Electron; this makes it behave as plain Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) {
        reject(new Error(stderr.trim() || `headroom learn exited with ${code}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout) as LearnReport);
      } catch {
        reject(new Error(`headroom learn answered something that is not its plan: ${stdout.slice(0, 200)}`));
      }
    });
  });
}
