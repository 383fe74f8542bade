import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { findRunningProxy } from '../../src/proxy/discovery';
import { LoopbackClient } from '../../src/proxy/loopbackClient';
import type { ProxyReadyMessage } from '../../src/proxy/supervision';
import { isPostgresUrl } from '../../src/store/paths';

/** The built CLI bundle: tests run what users run. */
export const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.mjs');

export function headroom(args: string[], input?: string, env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface CliProxy {
  url: string;
  /** The line it printed on start. */
  line: string;
  child: ChildProcessWithoutNullStreams;
  /** Its loopback API secret, read as its clients read it: from the discovery file beside its store. */
  apiToken: string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * `headroom proxy --port 0 --store FILE …` in a child process, once it says where it listens
 * and its compression worker is warm (a cold one on a busy machine can miss the budget, and a
 * large output would pass as it came); `cli` is another copy of the bundle.
 */
export async function startCliProxy(args: string[], env: NodeJS.ProcessEnv = {}, cli = CLI): Promise<CliProxy> {
  const store = args[args.indexOf('--store') + 1];
  // A proxy on a team's PostgreSQL store writes no discovery file: its secret comes over IPC, as a supervisor reads it.
  const ipc = args.includes('--store') && isPostgresUrl(store);
  const child = spawn(process.execPath, [cli, 'proxy', '--port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ipc ? ['pipe', 'pipe', 'pipe', 'ipc'] : 'pipe',
  }) as ChildProcessWithoutNullStreams;
  const ready = new Promise<ProxyReadyMessage>((resolve) => child.once('message', resolve));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString()));
    child.once('exit', (code) => reject(new Error(`headroom proxy exited with ${code}: ${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const discovery = ipc ? await ready : findRunningProxy(store);
  if (!args.includes('--store') || !discovery) throw new Error(`no discovery file beside ${store}`);
  const url = /http:\/\/127\.0\.0\.1:\d+/.exec(line)![0];
  for (const deadline = Date.now() + 30_000; !(await new LoopbackClient(url).health()).warm;) {
    if (Date.now() > deadline) throw new Error(`headroom proxy's compression worker never became ready: ${stderr}`);
    await new Promise((done) => setTimeout(done, 20));
  }
  return {
    url,
    line,
    child,
    apiToken: discovery.apiToken,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
