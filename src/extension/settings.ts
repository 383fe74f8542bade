import * as vscode from 'vscode';
import { defaultStorePath } from '../store/paths';
import { settingOptions, type ProxyOptionValues } from '../proxy/proxyOptions';
import type { ProxyLaunch } from './proxySupervisor';
import type { AgentTarget } from './routing/agentTargets';

export const SECTION = 'headroom';

/**
 * The proxy as the `headroom.*` settings describe it, with the embedding model once it is in
 * place (or why not), or the team's proxy to use instead, with the user's token.
 */
export function proxyLaunch(relevance: ProxyLaunch['relevance'], teamToken: string | undefined): ProxyLaunch {
  const config = vscode.workspace.getConfiguration(SECTION);
  const values = settingOptions().map((option) => [option.key, config.get(option.setting, option.default)]);
  const team = teamProxyUrl();
  return {
    ...(Object.fromEntries(values) as Partial<ProxyOptionValues>),
    store: storePath(),
    relevance,
    ...(team ? { team: { url: team, token: teamToken } } : {}),
  };
}

/** headroom.teamProxy: a team's proxy to use instead of one of this machine's own. */
export function teamProxyUrl(): string | undefined {
  return (
    vscode.workspace.getConfiguration(SECTION).get<string>('teamProxy', '').trim().replace(/\/+$/, '') || undefined
  );
}

/** The store file the proxy, the CLI and MCP clients share. */
export function storePath(): string {
  return vscode.workspace.getConfiguration(SECTION).get<string>('storePath', '').trim() || defaultStorePath();
}

/** headroom.enabled: whether compression is on. */
export function compressionSetting(): boolean {
  return vscode.workspace.getConfiguration(SECTION).get<boolean>('enabled', true);
}

export interface EmbeddingPreferences {
  enabled: boolean;
  /** The user's own model folder, if they named one. */
  modelPath: string | undefined;
  weight: number;
  budgetMs: number;
  modelHost: string;
  npmRegistry: string;
}

export const EMBEDDINGS_SECTION = `${SECTION}.embeddings`;

export function embeddingPreferences(): EmbeddingPreferences {
  const config = vscode.workspace.getConfiguration(EMBEDDINGS_SECTION);
  return {
    enabled: config.get<boolean>('enabled', true),
    modelPath: config.get<string>('modelPath', '').trim() || undefined,
    weight: config.get<number>('weight', 0.5),
    budgetMs: config.get<number>('budgetMs', 100),
    modelHost: config.get<string>('modelHost', 'https://huggingface.co'),
    npmRegistry: config.get<string>('npmRegistry', 'https://registry.npmjs.org'),
  };
}

export function turnEmbeddingsOff(): Thenable<void> {
  return vscode.workspace
    .getConfiguration(EMBEDDINGS_SECTION)
    .update('enabled', false, vscode.ConfigurationTarget.Global);
}

export function routesTerminals(): boolean {
  return vscode.workspace.getConfiguration(SECTION).get<boolean>('routing.terminals', true);
}

export function routedAgents(): AgentTarget[] {
  return vscode.workspace
    .getConfiguration(SECTION)
    .get<AgentTarget[]>('routing.agents', ['claudeCodeExtension', 'claudeCodeCli', 'codex']);
}

/** Records the user's on/off choice so the next start keeps it. */
export function setCompressionEnabled(enabled: boolean): Thenable<void> {
  return vscode.workspace.getConfiguration(SECTION).update('enabled', enabled, vscode.ConfigurationTarget.Global);
}

/** Settings whose change needs the proxy restarted; `enabled` is applied live instead. */
export const RESTART_SETTINGS = [
  ...settingOptions()
    .filter((option) => option.restarts)
    .map((option) => `${SECTION}.${option.setting}`),
  `${SECTION}.teamProxy`,
];
