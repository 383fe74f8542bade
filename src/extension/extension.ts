import { join } from 'node:path';
import * as vscode from 'vscode';
import { AgentRouting } from './agentRouting';
import { registerCommands } from './commands';
import { EmbeddingSetup } from './embeddingSetup';
import { ClaudeCodeMcp } from './mcp/claudeCodeMcp';
import { McpDefinitions } from './mcp/mcpDefinitions';
import { writeMcpLauncher } from './mcp/mcpLauncher';
import { OriginalDocuments, SCHEME } from './originalDocuments';
import { PANEL_VIEW_TYPE, SavingsPanel } from './panel/savingsPanel';
import { ProxySupervisor, type ProxyStatus } from './proxySupervisor';
import {
  compressionSetting,
  EMBEDDINGS_SECTION,
  proxyLaunch,
  RESTART_SETTINGS,
  routesTerminals,
  SECTION,
  storePath,
  teamProxyUrl,
} from './settings';
import { routeOf } from './routing/agentTargets';
import { TeamToken } from './teamToken';
import { HeadroomStatusBar } from './statusBar';
import { StatsFeed } from './statsFeed';
import { TerminalEnvironment } from './terminalEnvironment';

let supervisor: ProxySupervisor | undefined;
/** With the banner's timestamp (scripts/build.mjs), how long evaluating the bundle took; VS Code calls activate() later. */
const evaluatedAt = performance.now();

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Headroom', { log: true });
  const cliPath = context.asAbsolutePath('dist/cli.mjs');
  supervisor = new ProxySupervisor({ cliPath, log: (line) => log.info(line) });
  const proxy = supervisor;
  const feed = new StatsFeed();
  const statusBar = new HeadroomStatusBar();
  const terminals = new TerminalEnvironment(context.environmentVariableCollection);
  const routing = new AgentRouting(context.globalState, (line) => log.info(line));
  // Refreshed on every start and store change, so MCP clients configured earlier run this version on the proxy's store.
  const mcpCommandLine = () => writeMcpLauncher(context.globalStorageUri.fsPath, cliPath, storePath());
  mcpCommandLine();
  const mcpDefinitions = new McpDefinitions(mcpCommandLine, String(context.extension.packageJSON.version));
  const claudeMcp = new ClaudeCodeMcp(context.globalState, (line) => log.info(line), mcpCommandLine);
  const embeddings = new EmbeddingSetup(
    join(context.globalStorageUri.fsPath, 'embeddings'),
    context.globalState,
    proxy,
    log,
  );
  const teamToken = new TeamToken(context.secrets, () => void startProxy());
  const launch = () => proxyLaunch(embeddings.relevance(), teamToken.current);
  // The proxy starts at once, on BM25 if need be; a missing model is fetched beside it.
  // A team's proxy needs no embedding model here: it ranks with its own.
  const startProxy = () => proxy.start(launch()).then(() => (launch().team ? undefined : embeddings.ensure()));

  const onStatus = (status: ProxyStatus) => {
    if (status.state === 'running') feed.connect(status.url, status.apiToken);
    else if (status.state !== 'restarting') feed.disconnect();
    terminals.update(routesTerminals() ? routeOf(status) : undefined);
    statusBar.update(status, status.state === 'running' ? feed.latest : undefined);
    SavingsPanel.proxyChanged();
    if (status.state === 'failed') void reportFailure(status.error, log);
  };
  proxy.on('status', onStatus);
  feed.on('stats', (stats) => statusBar.update(proxy.status, stats));

  context.subscriptions.push(
    log,
    teamToken,
    statusBar,
    { dispose: () => feed.disconnect() },
    mcpDefinitions,
    ...registerCommands({
      extensionUri: context.extensionUri,
      supervisor: proxy,
      launch,
      feed,
      routing,
      claudeMcp,
      embeddings,
      teamToken,
      log,
    }),
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, new OriginalDocuments(() => feed.proxy)),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) =>
        SavingsPanel.revive(panel, context.extensionUri, feed, () => proxy.status),
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SECTION}.storePath`)) {
        mcpCommandLine();
        mcpDefinitions.changed();
      }
      if (event.affectsConfiguration(EMBEDDINGS_SECTION)) void embeddings.forgetFailure().then(startProxy);
      else if (RESTART_SETTINGS.some((key) => event.affectsConfiguration(key))) void startProxy();
      else if (event.affectsConfiguration(`${SECTION}.enabled`)) void applyCompressionSetting(feed);
      if (event.affectsConfiguration(`${SECTION}.routing.terminals`)) onStatus(proxy.status);
    }),
  );
  statusBar.update(proxy.status, undefined);
  void teamToken.load().then(startProxy);
  const evaluation =
    evaluatedAt - ((globalThis as { __headroomLoadStart?: number }).__headroomLoadStart ?? evaluatedAt);
  const activation = performance.now() - started;
  log.info(
    `Activated in ${(evaluation + activation).toFixed(1)} ms (bundle evaluation ${evaluation.toFixed(1)} ms, activate() ${activation.toFixed(1)} ms)`,
  );
}

export function deactivate(): Promise<void> | undefined {
  return supervisor?.stop();
}

async function applyCompressionSetting(feed: StatsFeed): Promise<void> {
  // A team proxy's compression is its operator's setting, not this user's.
  if (teamProxyUrl()) return;
  const wanted = compressionSetting();
  if (feed.proxy && feed.latest?.compression !== wanted) {
    await feed.proxy.toggle(wanted);
    feed.schedule(0);
  }
}

async function reportFailure(error: string, log: vscode.LogOutputChannel): Promise<void> {
  log.error(error);
  const choice = await vscode.window.showErrorMessage(`Headroom proxy: ${error}`, 'Change Port', 'Retry', 'Show Log');
  if (choice === 'Change Port')
    await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.port`);
  else if (choice === 'Retry') await vscode.commands.executeCommand('headroom.restartProxy');
  else if (choice === 'Show Log') log.show();
}
