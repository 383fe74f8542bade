import type { StatsResponse } from '../proxy/api';
import { formatDollars, formatPercent, formatTokens } from '../shared/format';
import type { ProxyStatus } from './proxySupervisor';

export interface StatusView {
  text: string;
  /** Markdown; command links point at the extension's own commands only. */
  tooltip: string;
  severity: 'normal' | 'warning' | 'error';
}

/** What the status bar item says for a proxy state and its latest figures. */
export function statusView(status: ProxyStatus, stats: StatsResponse | undefined): StatusView {
  const actions = '[Show savings](command:headroom.showPanel) · [More actions](command:headroom.showActions)';
  switch (status.state) {
    case 'starting':
      return {
        text: '$(sync~spin) Headroom',
        tooltip: `Headroom: starting the proxy…\n\n${actions}`,
        severity: 'normal',
      };
    case 'stopped':
      return {
        text: '$(debug-stop) Headroom',
        tooltip: `Headroom: the proxy is stopped.\n\n[Restart proxy](command:headroom.restartProxy)`,
        severity: 'warning',
      };
    case 'restarting':
      return {
        text: '$(sync~spin) Headroom',
        tooltip: `Headroom: the proxy stopped and restarts in ${Math.round(status.retryInMs / 1000)} s.\n\nLast error: ${escapeMarkdown(status.error)}\n\n${actions}`,
        severity: 'warning',
      };
    case 'failed':
      return {
        text: '$(error) Headroom',
        tooltip: `Headroom: the proxy is not running.\n\n${escapeMarkdown(status.error)}\n\n[Restart proxy](command:headroom.restartProxy) · [Show log](command:headroom.showLog)`,
        severity: 'error',
      };
    case 'running':
      return runningView(status, stats, actions);
  }
}

function runningView(
  status: Extract<ProxyStatus, { state: 'running' }>,
  stats: StatsResponse | undefined,
  actions: string,
): StatusView {
  const { url, owned, team } = status;
  const port = new URL(url).port;
  const where = team ? `The team's proxy at ${url}` : `Proxy on ${url}${owned ? '' : ' (started by another window)'}`;
  if (!stats) return { text: '$(zap) Headroom', tooltip: `${where}\n\n${actions}`, severity: 'normal' };
  const { session, allTime } = stats;
  const lines = [
    team
      ? `**Headroom: ${stats.compression ? 'compressing' : 'off'}** — the team proxy's operator switches it`
      : stats.compression
        ? '**Headroom: compressing** — click to turn off'
        : '**Headroom: off** — requests pass through unchanged; click to turn on',
    '',
    team ? where : `${where} · port ${port}`,
    '',
    `This session: ${formatTokens(session.tokensSaved)} tokens saved of ${formatTokens(session.tokensBefore)} (${session.requests} requests)`,
    '',
    `All time${team ? ', the whole team' : ''}: ${formatTokens(allTime.tokensSaved)} tokens saved (${formatPercent(allTime.compression)}), about ${formatDollars(allTime.dollarsSaved)}`,
    '',
    `Prompt-cache hit rate: ${allTime.cacheHitRate === null ? 'no reports yet' : formatPercent(allTime.cacheHitRate)} · retrievals: ${allTime.retrievals}`,
  ];
  if (stats.lastError) lines.push('', `Last error: ${escapeMarkdown(stats.lastError)}`);
  lines.push('', actions);
  const text = stats.compression
    ? allTime.tokensSaved > 0
      ? `$(zap) Headroom ${formatPercent(allTime.compression)} · ${formatTokens(allTime.tokensSaved)} saved`
      : '$(zap) Headroom'
    : '$(circle-slash) Headroom off';
  return { text, tooltip: lines.join('\n'), severity: 'normal' };
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|]/g, (c) => `\\${c}`);
}
