import * as vscode from 'vscode';
import { defaultStorePath } from '../store/paths';
import type { ProxyLaunch } from './proxySupervisor';
import type { AgentTarget } from './routing/agentTargets';

export const SECTION = 'headroom';

/** The proxy as the `headroom.*` settings describe it. */
export function proxyLaunch(): ProxyLaunch {
  const config = vscode.workspace.getConfiguration(SECTION);
  return {
    port: config.get<number>('port', 8787),
    store: config.get<string>('storePath', '').trim() || defaultStorePath(),
    anthropicUpstream: config.get<string>('anthropicUpstream', 'https://api.anthropic.com'),
    openaiUpstream: config.get<string>('openaiUpstream', 'https://api.openai.com'),
    compression: config.get<boolean>('enabled', true),
    minTokens: config.get<number>('minTokens', 500),
    aggressiveness: config.get<string>('aggressiveness', 'balanced'),
    ttlDays: config.get<number>('ttlDays', 7),
  };
}

export function routesTerminals(): boolean {
  return vscode.workspace.getConfiguration(SECTION).get<boolean>('routing.terminals', true);
}

export function routedAgents(): AgentTarget[] {
  return vscode.workspace.getConfiguration(SECTION).get<AgentTarget[]>('routing.agents', ['claudeCodeExtension', 'claudeCodeCli', 'codex']);
}

/** Records the user's on/off choice so the next start keeps it. */
export function setCompressionEnabled(enabled: boolean): Thenable<void> {
  return vscode.workspace.getConfiguration(SECTION).update('enabled', enabled, vscode.ConfigurationTarget.Global);
}

/** Settings whose change needs the proxy restarted; `enabled` is applied live instead. */
export const RESTART_SETTINGS = ['port', 'storePath', 'anthropicUpstream', 'openaiUpstream', 'minTokens', 'aggressiveness', 'ttlDays'].map((key) => `${SECTION}.${key}`);
