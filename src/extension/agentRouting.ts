import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import {
  AGENT_LABELS,
  claudeCodeEnvironment,
  routeHeaders,
  type AgentTarget,
  type ProxyRoute,
} from './routing/agentTargets';
import { routeClaudeSettings, unrouteClaudeSettings } from './routing/claudeSettingsFile';
import { routeCodexConfig, unrouteCodexConfig, type CodexChange } from './routing/codexConfigFile';
import { backupPath } from './routing/configFile';
import { applyEnv, revertEnv, type EnvChange } from './routing/envChanges';

/** Everything "Route Agents" changed, so "Stop Routing" undoes exactly that and nothing else. */
interface RoutingLedger {
  claudeCodeExtension?: EnvChange[];
  claudeCodeCli?: { file: string; changes: EnvChange[] };
  codex?: { file: string; change: CodexChange };
}

const LEDGER_KEY = 'headroom.routing';
const CLAUDE_CODE_EXTENSION = 'anthropic.claude-code';

type EnvEntry = { name: string; value: string };

/** Routes agents whose configuration lives outside VS Code's terminals, each with the user's consent. */
export class AgentRouting {
  constructor(
    private readonly state: vscode.Memento,
    private readonly log: (line: string) => void,
  ) {}

  get routed(): boolean {
    return Object.keys(this.ledger()).length > 0;
  }

  async route(route: ProxyRoute, offered: readonly AgentTarget[]): Promise<void> {
    const proxyUrl = route.url;
    const targets = offered.filter(
      (target) => target !== 'claudeCodeExtension' || vscode.extensions.getExtension(CLAUDE_CODE_EXTENSION),
    );
    if (targets.length === 0) {
      void vscode.window.showInformationMessage(
        'Headroom: no agent to configure. New terminals are already routed; see the walkthrough for Cursor and Copilot.',
      );
      return;
    }
    const picked = await vscode.window.showQuickPick(
      targets.map((target) => ({
        label: AGENT_LABELS[target],
        target,
        picked: true,
        detail: this.describe(target, route),
      })),
      {
        canPickMany: true,
        title: 'Route agents through Headroom',
        placeHolder: 'Headroom changes only what you select, keeps a backup, and "Headroom: Stop Routing" undoes it',
      },
    );
    if (!picked?.length) return;
    const ledger = this.ledger();
    const done: string[] = [];
    for (const { target } of picked) {
      try {
        await this.routeOne(target, route, ledger);
        done.push(AGENT_LABELS[target]);
      } catch (error) {
        void vscode.window.showErrorMessage(
          `Headroom could not route ${AGENT_LABELS[target]}: ${(error as Error).message}`,
        );
      }
      await this.state.update(LEDGER_KEY, ledger);
    }
    if (done.length === 0) return;
    this.log(`Routed through ${proxyUrl}: ${done.join('; ')}`);
    const choice = await vscode.window.showInformationMessage(
      `Headroom routes ${done.length === 1 ? done[0] : `${done.length} agents`} through ${proxyUrl}. Restart running agents to pick it up.`,
      'Undo',
    );
    if (choice === 'Undo') await this.stop();
  }

  /** Undoes every change routing made; values the user changed since are left and named. */
  async stop(): Promise<void> {
    const ledger = this.ledger();
    if (!this.routed) {
      void vscode.window.showInformationMessage(
        'Headroom has not changed any agent configuration, so there is nothing to undo.',
      );
      return;
    }
    const kept: string[] = [];
    if (ledger.claudeCodeExtension) {
      const config = vscode.workspace.getConfiguration('claudeCode');
      const current = toRecord(config.get<EnvEntry[]>('environmentVariables', []));
      const { next, kept: names } = revertEnv(current, ledger.claudeCodeExtension);
      await config.update(
        'environmentVariables',
        Object.keys(next).length ? toEntries(next) : undefined,
        vscode.ConfigurationTarget.Global,
      );
      kept.push(...names.map((name) => `claudeCode.environmentVariables ${name}`));
    }
    if (ledger.claudeCodeCli)
      kept.push(
        ...unrouteClaudeSettings(ledger.claudeCodeCli.file, ledger.claudeCodeCli.changes).kept.map(
          (name) => `${ledger.claudeCodeCli?.file} env.${name}`,
        ),
      );
    if (ledger.codex && unrouteCodexConfig(ledger.codex.file, ledger.codex.change).kept)
      kept.push(`${ledger.codex.file} model_provider`);
    await this.state.update(LEDGER_KEY, undefined);
    this.log(`Stopped routing${kept.length ? `; left alone because they changed since: ${kept.join(', ')}` : ''}`);
    void vscode.window.showInformationMessage(
      kept.length
        ? `Headroom undid its routing changes. Left alone because you changed them since: ${kept.join(', ')}.`
        : 'Headroom undid its routing changes; agent configurations are as they were.',
    );
  }

  private async routeOne(target: AgentTarget, route: ProxyRoute, ledger: RoutingLedger): Promise<void> {
    switch (target) {
      case 'claudeCodeExtension': {
        const config = vscode.workspace.getConfiguration('claudeCode');
        const { next, changes } = applyEnv(
          toRecord(config.get<EnvEntry[]>('environmentVariables', [])),
          claudeCodeEnvironment(route),
          ledger.claudeCodeExtension,
        );
        await config.update('environmentVariables', toEntries(next), vscode.ConfigurationTarget.Global);
        ledger.claudeCodeExtension = changes;
        return;
      }
      case 'claudeCodeCli': {
        const file = claudeSettingsFile();
        ledger.claudeCodeCli = {
          file,
          changes: routeClaudeSettings(file, claudeCodeEnvironment(route), ledger.claudeCodeCli?.changes),
        };
        return;
      }
      case 'codex': {
        const file = codexConfigFile();
        ledger.codex = {
          file,
          change: routeCodexConfig(file, `${route.url}/v1`, ledger.codex?.change, routeHeaders(route)),
        };
        return;
      }
    }
  }

  private describe(target: AgentTarget, route: ProxyRoute): string {
    const token = route.teamToken ? ', with your team token' : '';
    switch (target) {
      case 'claudeCodeExtension':
        return `Sets ANTHROPIC_BASE_URL=${route.url} and ENABLE_TOOL_SEARCH=true${token} in your user settings`;
      case 'claudeCodeCli':
        return `Sets env ANTHROPIC_BASE_URL and ENABLE_TOOL_SEARCH${token} in ${claudeSettingsFile()} (backup: ${backupPath(claudeSettingsFile())})`;
      case 'codex':
        return `Adds a "headroom" provider (${route.url}/v1, API-key login${token}) to ${codexConfigFile()} and selects it`;
    }
  }

  private ledger(): RoutingLedger {
    return structuredClone(this.state.get<RoutingLedger>(LEDGER_KEY, {}));
  }
}

function claudeSettingsFile(): string {
  return join(process.env.CLAUDE_CONFIG_DIR ?? join(homedir(), '.claude'), 'settings.json');
}

function codexConfigFile(): string {
  return join(process.env.CODEX_HOME ?? join(homedir(), '.codex'), 'config.toml');
}

function toRecord(entries: readonly EnvEntry[]): Record<string, string> {
  return Object.fromEntries(
    entries.filter((entry) => typeof entry?.name === 'string').map((entry) => [entry.name, String(entry.value)]),
  );
}

function toEntries(record: Readonly<Record<string, string>>): EnvEntry[] {
  return Object.entries(record).map(([name, value]) => ({ name, value }));
}
