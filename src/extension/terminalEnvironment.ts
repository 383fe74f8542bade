import * as vscode from 'vscode';
import { agentEnvironment, type ProxyRoute } from './routing/agentTargets';

/**
 * Puts the proxy's base URLs into new integrated terminals while the proxy runs, and takes
 * them out when it does not, so an agent started in a terminal never points at a dead port.
 */
export class TerminalEnvironment {
  private applied: ProxyRoute | undefined;

  constructor(private readonly collection: vscode.GlobalEnvironmentVariableCollection) {
    // Recomputed at every start, so stale values never outlive a stopped proxy.
    collection.persistent = false;
  }

  update(route: ProxyRoute | undefined): void {
    if (route?.url === this.applied?.url && route?.teamToken === this.applied?.teamToken) return;
    this.collection.clear();
    this.applied = route;
    if (!route) return;
    const proxyUrl = route.url;
    this.collection.description = `Routes AI agents (Claude Code, Codex, Aider and others) through the Headroom proxy at ${proxyUrl}`;
    for (const [name, value] of Object.entries(agentEnvironment(route))) this.collection.replace(name, value);
    const stale = vscode.window.terminals.length;
    if (stale > 0) {
      void vscode.window.showInformationMessage(
        `Headroom now routes agents started in new terminals through ${proxyUrl}. ${stale === 1 ? 'The open terminal was' : `The ${stale} open terminals were`} started before; relaunch to route agents there too.`,
      );
    }
  }
}
