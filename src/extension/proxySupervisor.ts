import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { EmbeddingSettings } from '../embeddings/relevance';
import { findRunningProxy } from '../proxy/discovery';
import { LoopbackClient, LoopbackError } from '../proxy/loopbackClient';
import { errorMessage } from '../shared/errorMessage';
import { proxyArguments, type ProxyOptionValues } from '../proxy/proxyOptions';
import { EXIT_PORT_IN_USE, EXIT_STORE_LOCKED, parseReadyMessage, type ProxyControlMessage } from '../proxy/supervision';

/**
 * What the supervised proxy is doing; `owned` is false when another window's proxy serves the
 * store, or a team's (`team`), whose `apiToken` is then the user's team token.
 */
export type ProxyStatus =
  | { state: 'starting' }
  | { state: 'running'; url: string; apiToken: string; owned: boolean; team?: boolean }
  | { state: 'restarting'; error: string; retryInMs: number }
  | { state: 'failed'; error: string }
  | { state: 'stopped' };

/** The `headroom proxy` options the extension's settings give, and the embedding model once it is in place (or why relevance is BM25 alone). */
export type ProxyLaunch = Partial<ProxyOptionValues> & {
  store: string;
  relevance: EmbeddingSettings | { bm25Only: string };
  /** A team's proxy to use instead of starting one: its URL, and the user's token (absent until they set it). */
  team?: { url: string; token: string | undefined };
};

export interface SupervisorOptions {
  /** The bundled CLI (`dist/cli.mjs`). */
  cliPath: string;
  /** Waits before each restart after a crash; the last one repeats. */
  restartDelaysMs?: readonly number[];
  /** This many crashes within `crashWindowMs` and the supervisor gives up and reports it. */
  maxCrashes?: number;
  crashWindowMs?: number;
  /** How often a proxy another window owns is checked, so this one can take over when it goes. */
  attachedCheckMs?: number;
  log?: (line: string) => void;
}

const STDERR_KEPT = 4_000;

/**
 * Runs `headroom proxy` in its own Node process (a fork with the editor's runtime, so
 * compression never blocks the extension host), restarts it with back-off when it dies,
 * and gives up visibly after repeated crashes. When another window's proxy already holds
 * the store, it uses that one instead of starting a second writer.
 */
export class ProxySupervisor extends EventEmitter<{ status: [ProxyStatus] }> {
  private current: ProxyStatus = { state: 'stopped' };
  private child: ChildProcess | undefined;
  private launch: ProxyLaunch | undefined;
  private crashes: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;
  private readonly restartDelaysMs: readonly number[];
  private readonly maxCrashes: number;
  private readonly crashWindowMs: number;
  private readonly attachedCheckMs: number;

  constructor(private readonly options: SupervisorOptions) {
    super();
    this.restartDelaysMs = options.restartDelaysMs ?? [1_000, 2_000, 5_000, 10_000, 30_000];
    this.maxCrashes = options.maxCrashes ?? 5;
    this.crashWindowMs = options.crashWindowMs ?? 5 * 60_000;
    this.attachedCheckMs = options.attachedCheckMs ?? 5_000;
  }

  get status(): ProxyStatus {
    return this.current;
  }

  /** Starts (or restarts with new options) and resolves once the proxy runs or has failed. */
  async start(launch: ProxyLaunch): Promise<ProxyStatus> {
    await this.stop();
    this.launch = launch;
    this.crashes = [];
    return this.bringUp(++this.generation);
  }

  /**
   * Hands a freshly fetched embedding model to the running proxy, which loads it beside the
   * requests it serves (no restart), and keeps it for later starts.
   */
  useEmbeddings(embeddings: EmbeddingSettings): void {
    this.setRelevance(embeddings);
  }

  /** Why relevance is BM25 alone (turned off, downloading, download failed), for the proxy's stats and the panel. */
  explainBm25(reason: string): void {
    this.setRelevance({ bm25Only: reason });
  }

  private setRelevance(relevance: ProxyLaunch['relevance']): void {
    if (this.launch) this.launch = { ...this.launch, relevance };
    this.sendRelevance();
  }

  /** The proxy is launched with the model, if any; the reason there is none goes over IPC once it listens. */
  private sendRelevance(): void {
    const relevance = this.launch?.relevance;
    if (!relevance || !this.child?.connected) return;
    const message: ProxyControlMessage =
      'bm25Only' in relevance
        ? { type: 'bm25Only', reason: relevance.bm25Only }
        : { type: 'useEmbeddings', embeddings: relevance };
    this.child.send(message);
  }

  /** Stops the proxy this window owns, letting in-flight requests finish; a proxy it only uses is left alone. */
  async stop(): Promise<void> {
    this.generation++;
    clearTimeout(this.timer);
    this.timer = undefined;
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // Closing the IPC channel is the proxy's cue to shut down gracefully on every platform.
      if (child.connected) child.disconnect();
      const kill = setTimeout(() => child.kill('SIGKILL'), 12_000);
      await exited;
      clearTimeout(kill);
    }
    if (this.current.state !== 'stopped') this.setStatus({ state: 'stopped' });
  }

  private async bringUp(generation: number): Promise<ProxyStatus> {
    const launch = this.launch;
    if (!launch) return this.current;
    this.setStatus({ state: 'starting' });
    if (launch.team) return this.useTeamProxy(launch.team, generation);
    if (await this.attach(launch, generation)) return this.current;
    const outcome = await this.spawn(launch, generation);
    if (generation !== this.generation) return this.current;
    if (outcome.kind === 'listening') {
      if ('bm25Only' in launch.relevance) this.sendRelevance();
      this.setStatus({ state: 'running', url: outcome.url, apiToken: outcome.apiToken, owned: true });
    } else if (outcome.code === EXIT_STORE_LOCKED && (await this.attach(launch, generation))) {
      // Another window started its proxy a moment before this one: use it.
    } else if (outcome.code === EXIT_PORT_IN_USE || outcome.code === EXIT_STORE_LOCKED) {
      this.setStatus({ state: 'failed', error: outcome.error });
    } else {
      this.crashed(outcome.error, generation);
    }
    return this.current;
  }

  /** Uses the live proxy that holds the store, watching it so this window takes over when it stops. */
  private async attach(launch: ProxyLaunch, generation: number): Promise<boolean> {
    const found = findRunningProxy(launch.store);
    if (!found) return false;
    try {
      await new LoopbackClient(found.url).health();
    } catch {
      return false;
    }
    if (generation !== this.generation) return true;
    this.setStatus({ state: 'running', url: found.url, apiToken: found.apiToken, owned: false });
    const watch = async (): Promise<void> => {
      if (generation !== this.generation) return;
      try {
        await new LoopbackClient(found.url).health();
        this.timer = setTimeout(() => void watch(), this.attachedCheckMs);
      } catch {
        this.options.log?.(`The Headroom proxy at ${found.url} (pid ${found.pid}) stopped; starting one here.`);
        if (generation === this.generation) void this.bringUp(generation);
      }
    };
    this.timer = setTimeout(() => void watch(), this.attachedCheckMs);
    return true;
  }

  /**
   * Uses a team's proxy: running once it answers and takes the token, watched like another
   * window's, and retried with back-off while it does not answer. A token it refuses is not
   * retried: the user has to set another.
   */
  private async useTeamProxy(team: NonNullable<ProxyLaunch['team']>, generation: number): Promise<ProxyStatus> {
    if (!team.token) {
      this.setStatus({
        state: 'failed',
        error: `To use the team proxy at ${team.url}, set your token: run "Headroom: Set Team Token".`,
      });
      return this.current;
    }
    const client = new LoopbackClient(team.url, team.token);
    try {
      await client.health(5_000);
      await client.items({ limit: 1 });
    } catch (error) {
      if (generation !== this.generation) return this.current;
      if (error instanceof LoopbackError && error.status === 401)
        this.setStatus({
          state: 'failed',
          error: `The team proxy at ${team.url} refused your token (revoked, or for another proxy): run "Headroom: Set Team Token".`,
        });
      else this.crashed(`The team proxy at ${team.url} does not answer: ${errorMessage(error)}`, generation);
      return this.current;
    }
    if (generation !== this.generation) return this.current;
    this.setStatus({ state: 'running', url: team.url, apiToken: team.token, owned: false, team: true });
    const watch = async (): Promise<void> => {
      if (generation !== this.generation) return;
      try {
        await client.health(5_000);
        this.timer = setTimeout(() => void watch(), this.attachedCheckMs);
      } catch (error) {
        if (generation === this.generation)
          this.crashed(`The team proxy at ${team.url} stopped answering: ${errorMessage(error)}`, generation);
      }
    };
    this.timer = setTimeout(() => void watch(), this.attachedCheckMs);
    return this.current;
  }

  private spawn(
    launch: ProxyLaunch,
    generation: number,
  ): Promise<
    { kind: 'listening'; url: string; apiToken: string } | { kind: 'exited'; code: number | null; error: string }
  > {
    const forkedAt = performance.now();
    const child = fork(
      this.options.cliPath,
      ['proxy', ...proxyArguments({ ...launch, ...relevanceOptions(launch.relevance) })],
      {
        silent: true,
        // Inside the editor the runtime is Electron; this makes it behave as plain Node.
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      },
    );
    this.child = child;
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEPT);
      for (const line of chunk.split('\n')) if (line.trim()) this.options.log?.(line);
    });
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim()) this.options.log?.(line);
    });
    return new Promise((resolve) => {
      child.on('message', (message) => {
        const ready = parseReadyMessage(message);
        if (!ready) return;
        this.options.log?.(`The proxy is ready ${Math.round(performance.now() - forkedAt)} ms after the fork.`);
        resolve({ kind: 'listening', url: ready.url, apiToken: ready.apiToken });
      });
      child.once('exit', (code, signal) => {
        const error = lastLines(stderr) || `the proxy process exited (${signal ?? `code ${code}`})`;
        resolve({ kind: 'exited', code, error });
        // A proxy that was running and dies on its own is restarted.
        if (generation === this.generation && this.child === child && this.current.state === 'running') {
          this.child = undefined;
          this.crashed(error, generation);
        }
      });
    });
  }

  private crashed(error: string, generation: number): void {
    const now = Date.now();
    this.crashes = [...this.crashes.filter((at) => now - at < this.crashWindowMs), now];
    if (this.crashes.length >= this.maxCrashes) {
      this.setStatus({
        state: 'failed',
        error: `The Headroom proxy crashed ${this.crashes.length} times in a row. Last error: ${error}`,
      });
      return;
    }
    const retryInMs = this.restartDelaysMs[Math.min(this.crashes.length - 1, this.restartDelaysMs.length - 1)];
    this.setStatus({ state: 'restarting', error, retryInMs });
    this.timer = setTimeout(() => void this.bringUp(generation), retryInMs);
  }

  private setStatus(status: ProxyStatus): void {
    this.current = status;
    this.emit('status', status);
  }
}

/** Explicit either way, so a model the CLI fetched into its own data directory is not picked up behind the settings' back. */
function relevanceOptions(relevance: ProxyLaunch['relevance']): Partial<ProxyOptionValues> {
  if ('bm25Only' in relevance) return { noEmbeddings: true };
  return {
    embeddingModel: relevance.modelDir,
    embeddingRuntime: relevance.runtimeDir,
    embeddingWeight: relevance.weight,
    embeddingBudgetMs: relevance.budgetMs,
  };
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join('\n');
}
