import * as vscode from 'vscode';
import { applyLearn } from '../../learn/applyPlan';
import type { LearnReport } from '../../learn/learn';
import type { LearnView } from '../../shared/panelProtocol';
import { runLearnProcess } from '../learnProcess';

/**
 * The panel's "Run learn": reads the workspace's agent transcripts in a process of its own
 * (with a cancellable progress notification), shows the proposed CLAUDE.md / AGENTS.md change,
 * and writes it only when the user applies it, and only if the files are still as they were read.
 */
export class LearnSession implements vscode.Disposable {
  private plan: LearnReport | undefined;
  private running: AbortController | undefined;
  view: LearnView = { state: 'idle' };

  constructor(
    private readonly cliPath: string,
    private readonly show: (view: LearnView) => void,
  ) {}

  async run(): Promise<void> {
    if (this.running) return;
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder?.uri.scheme !== 'file') {
      this.set({ state: 'failed', error: 'Open a folder first: learn reads the agent sessions of the workspace.' });
      return;
    }
    const running = new AbortController();
    this.running = running;
    this.plan = undefined;
    this.set({ state: 'running' });
    try {
      const plan = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: 'Headroom: learning from agent transcripts…',
          cancellable: true,
        },
        (_progress, token) => {
          token.onCancellationRequested(() => running.abort());
          return runLearnProcess(this.cliPath, folder.uri.fsPath, running.signal);
        },
      );
      const refused = plan.changes.flatMap((change) => (change.refused ? [`${change.file}: ${change.refused}`] : []));
      const counts = { transcripts: plan.transcripts, calls: plan.calls, failures: plan.failures, refused };
      const files = plan.changes.filter((change) => change.diff).map(({ file, diff }) => ({ file, diff }));
      this.plan = files.length ? plan : undefined;
      this.set(
        files.length
          ? {
              state: 'proposed',
              ...counts,
              findings: plan.findings.map(({ text, occurrences, tokens }) => ({ text, occurrences, tokens })),
              files,
            }
          : { state: 'nothing', ...counts },
      );
    } catch (error) {
      this.set(running.signal.aborted ? { state: 'idle' } : { state: 'failed', error: (error as Error).message });
    } finally {
      this.running = undefined;
    }
  }

  apply(): void {
    if (!this.plan) return;
    try {
      const files = applyLearn(this.plan.changes);
      this.set({ state: 'applied', files });
    } catch (error) {
      this.set({ state: 'failed', error: (error as Error).message });
    }
    this.plan = undefined;
  }

  discard(): void {
    this.plan = undefined;
    this.set({ state: 'idle' });
  }

  dispose(): void {
    this.running?.abort();
  }

  private set(view: LearnView): void {
    this.view = view;
    this.show(view);
  }
}
