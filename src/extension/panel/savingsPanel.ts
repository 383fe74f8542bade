import * as vscode from 'vscode';
import type { StatsResponse } from '../../proxy/api';
import type { HostMessage, ItemsFilter, PanelMessage, ProxyView } from '../../shared/panelProtocol';
import type { ProxyStatus } from '../proxySupervisor';
import type { StatsFeed } from '../statsFeed';
import { originalUri } from '../originalDocuments';
import { LearnSession } from './learnSession';

export const PANEL_VIEW_TYPE = 'headroom.savings';

/**
 * The savings panel: the host side. The webview never talks to the proxy itself (it has no
 * network access under its CSP); the host fetches through the loopback client and posts
 * typed messages.
 */
export class SavingsPanel implements vscode.Disposable {
  private static current: SavingsPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private filter: ItemsFilter = { search: '', kind: '', offset: 0 };
  private readonly learn: LearnSession;
  private disposed = false;

  static show(extensionUri: vscode.Uri, feed: StatsFeed, status: () => ProxyStatus): void {
    if (SavingsPanel.current) {
      SavingsPanel.current.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      'Headroom Savings',
      vscode.ViewColumn.Active,
      webviewOptions(extensionUri),
    );
    SavingsPanel.current = new SavingsPanel(panel, extensionUri, feed, status);
  }

  /** Opens the panel and runs learn in it. */
  static async learn(extensionUri: vscode.Uri, feed: StatsFeed, status: () => ProxyStatus): Promise<void> {
    SavingsPanel.show(extensionUri, feed, status);
    await SavingsPanel.current?.learn.run();
  }

  /** Brings a panel back after a window reload. */
  static revive(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    feed: StatsFeed,
    status: () => ProxyStatus,
  ): void {
    panel.webview.options = webviewOptions(extensionUri);
    SavingsPanel.current = new SavingsPanel(panel, extensionUri, feed, status);
  }

  /** Tells an open panel that the proxy changed state. */
  static proxyChanged(): void {
    SavingsPanel.current?.postProxy();
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly feed: StatsFeed,
    private readonly status: () => ProxyStatus,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    panel.webview.html = panelHtml(panel.webview, extensionUri);
    this.learn = new LearnSession(vscode.Uri.joinPath(extensionUri, 'dist', 'cli.mjs').fsPath, (learn) =>
      this.post({ type: 'learn', learn }),
    );
    const onStats = (stats: StatsResponse) => this.post({ type: 'stats', stats });
    const onRequest = () => void this.sendItems();
    feed.on('stats', onStats);
    feed.on('request', onRequest);
    this.disposables.push(
      { dispose: () => feed.off('stats', onStats) },
      { dispose: () => feed.off('request', onRequest) },
      this.learn,
      panel.webview.onDidReceiveMessage((message: PanelMessage) => void this.receive(message)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  dispose(): void {
    this.disposed = true;
    if (SavingsPanel.current === this) SavingsPanel.current = undefined;
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.panel.dispose();
  }

  private async receive(message: PanelMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.postProxy();
        if (this.feed.latest) this.post({ type: 'stats', stats: this.feed.latest });
        this.feed.schedule(0);
        this.post({ type: 'learn', learn: this.learn.view });
        await this.sendItems();
        return;
      case 'bucket':
        this.feed.setBucket(message.bucket);
        return;
      case 'items':
        this.filter = message.filter;
        await this.sendItems();
        return;
      case 'expand':
        await this.sendOriginal(message.hash);
        return;
      case 'openOriginal':
        await vscode.window.showTextDocument(originalUri(message.hash, message.kind), {
          preview: true,
          viewColumn: vscode.ViewColumn.Beside,
        });
        return;
      case 'copyOriginal': {
        const original = await this.feed.proxy?.original(message.hash);
        if (original === undefined) {
          void vscode.window.showWarningMessage('Headroom: that original is no longer in the store.');
          return;
        }
        await vscode.env.clipboard.writeText(original);
        void vscode.window.setStatusBarMessage('Headroom: original copied', 3_000);
        return;
      }
      case 'toggleCompression':
        await vscode.commands.executeCommand('headroom.toggleCompression');
        return;
      case 'routeAgents':
        await vscode.commands.executeCommand('headroom.routeAgents');
        return;
      case 'runLearn':
        await this.learn.run();
        return;
      case 'applyLearn':
        this.learn.apply();
        return;
      case 'discardLearn':
        this.learn.discard();
        return;
    }
  }

  private async sendItems(): Promise<void> {
    const proxy = this.feed.proxy;
    if (!proxy) return;
    const filter = this.filter;
    try {
      const items = await proxy.items({ search: filter.search, kind: filter.kind, offset: filter.offset, limit: 50 });
      this.post({ type: 'items', filter, items });
    } catch {
      // The proxy is restarting; the next event or the panel's next request fetches again.
    }
  }

  private async sendOriginal(hash: string): Promise<void> {
    try {
      const content = (await this.feed.proxy?.original(hash)) ?? null;
      this.post({
        type: 'original',
        hash,
        content,
        error: content === null ? 'The store no longer holds this original.' : undefined,
      });
    } catch (error) {
      this.post({ type: 'original', hash, content: null, error: (error as Error).message });
    }
  }

  private postProxy(): void {
    this.post({ type: 'proxy', proxy: proxyView(this.status(), this.feed.latest?.compression ?? true) });
  }

  /** A learn run or a fetch that finishes after the panel closed has no one to tell. */
  private post(message: HostMessage): void {
    if (this.disposed) return;
    void this.panel.webview.postMessage(message);
  }
}

function proxyView(status: ProxyStatus, compression: boolean): ProxyView {
  switch (status.state) {
    case 'running':
      return { state: 'running', url: status.url, compression };
    case 'starting':
    case 'restarting':
      return { state: 'starting' };
    case 'failed':
      return { state: 'down', error: status.error };
    case 'stopped':
      return { state: 'down', error: 'The proxy is stopped.' };
  }
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')] };
}

function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', name));
  const csp = [
    `default-src 'none'`,
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('panel.css').toString()}">
<title>Headroom Savings</title>
</head>
<body>
<main id="app" aria-live="polite"></main>
<script nonce="${nonce}" src="${asset('panel.js').toString()}"></script>
</body>
</html>`;
}
