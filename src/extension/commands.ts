import * as vscode from 'vscode';
import type { AgentRouting } from './agentRouting';
import type { EmbeddingSetup } from './embeddingSetup';
import type { ClaudeCodeMcp } from './mcp/claudeCodeMcp';
import { originalUri } from './originalDocuments';
import { SavingsPanel } from './panel/savingsPanel';
import type { ProxyLaunch, ProxySupervisor } from './proxySupervisor';
import { compressionSetting, routedAgents, setCompressionEnabled } from './settings';
import type { StatsFeed } from './statsFeed';
import { routeOf } from './routing/agentTargets';
import type { TeamToken } from './teamToken';

export interface CommandDeps {
  extensionUri: vscode.Uri;
  supervisor: ProxySupervisor;
  /** The proxy as the settings describe it now. */
  launch: () => ProxyLaunch;
  feed: StatsFeed;
  routing: AgentRouting;
  claudeMcp: ClaudeCodeMcp;
  embeddings: EmbeddingSetup;
  teamToken: TeamToken;
  log: vscode.LogOutputChannel;
}

/** The palette commands (category "Headroom"); each needs a running proxy only where it says so. */
export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { supervisor, feed, routing, log } = deps;
  const runningUrl = (): string | undefined => {
    const status = supervisor.status;
    if (status.state === 'running') return status.url;
    void vscode.window
      .showWarningMessage('The Headroom proxy is not running.', 'Restart Proxy')
      .then((choice) => choice && vscode.commands.executeCommand('headroom.restartProxy'));
    return undefined;
  };
  const commands: Record<string, (...args: never[]) => unknown> = {
    'headroom.toggleCompression': async () => {
      const proxy = runningUrl() && feed.proxy;
      if (!proxy) return;
      if (routeOf(supervisor.status)?.teamToken) {
        void vscode.window.showInformationMessage(
          'Headroom: compression on a team proxy is its operator’s to turn on or off. To stop using it, clear the headroom.teamProxy setting.',
        );
        return;
      }
      const enabled = !(feed.latest?.compression ?? compressionSetting());
      await proxy.toggle(enabled);
      await setCompressionEnabled(enabled);
      feed.schedule(0);
    },
    'headroom.showPanel': () => SavingsPanel.show(deps.extensionUri, feed, () => supervisor.status),
    'headroom.learn': () => SavingsPanel.learn(deps.extensionUri, feed, () => supervisor.status),
    'headroom.routeAgents': async () => {
      const route = runningUrl() && routeOf(supervisor.status);
      if (route) await routing.route(route, routedAgents());
    },
    'headroom.setTeamToken': () => deps.teamToken.ask(),
    'headroom.stopRouting': () => routing.stop(),
    'headroom.addMcpServer': () => deps.claudeMcp.add(),
    'headroom.removeMcpServer': () => deps.claudeMcp.remove(),
    'headroom.restartProxy': () => supervisor.start(deps.launch()),
    'headroom.fetchEmbeddings': () => deps.embeddings.download(),
    'headroom.showLog': () => log.show(),
    'headroom.copyBaseUrl': async () => {
      const url = runningUrl();
      if (!url) return;
      await vscode.env.clipboard.writeText(url);
      void vscode.window.showInformationMessage(
        `Copied ${url}. Anthropic clients take it as the base URL; OpenAI clients take ${url}/v1.`,
      );
    },
    'headroom.openOriginal': async (hash?: string, kind?: string) => {
      const wanted =
        hash ??
        (await vscode.window.showInputBox({
          prompt: 'The hash from a Headroom marker (retrieve hash=…)',
          validateInput: (v) =>
            /^[0-9a-f]{8,64}$/i.test(v.trim()) ? undefined : 'A hash is hexadecimal, like 3f2a9c81d0b4e6a7c5d21f09',
        }));
      if (wanted)
        await vscode.window.showTextDocument(originalUri(wanted.trim().toLowerCase(), kind ?? 'text'), {
          preview: true,
        });
    },
    'headroom.showActions': async () => {
      const actions: Array<vscode.QuickPickItem & { command: string }> = [
        {
          label: '$(zap) Toggle compression',
          command: 'headroom.toggleCompression',
          detail: 'Off: requests pass through unchanged and agents keep working',
        },
        { label: '$(graph) Show savings', command: 'headroom.showPanel' },
        { label: '$(plug) Route agents through Headroom', command: 'headroom.routeAgents' },
        { label: '$(debug-disconnect) Stop routing', command: 'headroom.stopRouting' },
        {
          label: '$(mortar-board) Learn from agent sessions',
          command: 'headroom.learn',
          detail: 'Corrections for CLAUDE.md / AGENTS.md from failed tool calls, previewed before they are written',
        },
        {
          label: '$(cloud-download) Download embedding model',
          command: 'headroom.fetchEmbeddings',
          detail: 'Rank what is kept by meaning as well as by words (all-MiniLM-L6-v2 and the ONNX runtime, once)',
        },
        {
          label: '$(server-process) Add MCP server to Claude Code',
          command: 'headroom.addMcpServer',
          detail: 'headroom_compress, headroom_retrieve, headroom_stats as tools',
        },
        { label: '$(copy) Copy proxy base URL', command: 'headroom.copyBaseUrl' },
        { label: '$(file-code) Open a compressed original…', command: 'headroom.openOriginal' },
        { label: '$(debug-restart) Restart proxy', command: 'headroom.restartProxy' },
        { label: '$(output) Show log', command: 'headroom.showLog' },
        { label: '$(gear) Settings', command: 'workbench.action.openSettings' },
        { label: '$(book) Get started', command: 'workbench.action.openWalkthrough' },
      ];
      const picked = await vscode.window.showQuickPick(actions, { title: 'Headroom', matchOnDetail: true });
      if (!picked) return;
      if (picked.command === 'workbench.action.openSettings')
        await vscode.commands.executeCommand(picked.command, '@ext:headroom.headroom-vscode');
      else if (picked.command === 'workbench.action.openWalkthrough')
        await vscode.commands.executeCommand(picked.command, 'headroom.headroom-vscode#getStarted', false);
      else await vscode.commands.executeCommand(picked.command);
    },
  };
  return Object.entries(commands).map(([id, run]) => vscode.commands.registerCommand(id, run));
}
