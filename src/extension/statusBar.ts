import * as vscode from 'vscode';
import type { StatsResponse } from '../proxy/api';
import type { ProxyStatus } from './proxySupervisor';
import { statusView } from './statusText';

/** The status bar item: state and savings at a glance; a click toggles compression. */
export class HeadroomStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('headroom.status', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'Headroom';
    this.item.command = 'headroom.toggleCompression';
    this.item.show();
  }

  update(status: ProxyStatus, stats: StatsResponse | undefined): void {
    const view = statusView(status, stats);
    this.item.text = view.text;
    const tooltip = new vscode.MarkdownString(view.tooltip, true);
    tooltip.isTrusted = {
      enabledCommands: ['headroom.showPanel', 'headroom.showActions', 'headroom.restartProxy', 'headroom.showLog'],
    };
    this.item.tooltip = tooltip;
    this.item.backgroundColor =
      view.severity === 'normal' ? undefined : new vscode.ThemeColor(`statusBarItem.${view.severity}Background`);
    this.item.command = status.state === 'running' ? 'headroom.toggleCompression' : 'headroom.showActions';
  }

  dispose(): void {
    this.item.dispose();
  }
}
