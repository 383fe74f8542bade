/** What the panel shows, computed from the proxy's figures; no DOM here, so it is unit-tested. */
import type { ListedItem, SeriesBucket, StatsResponse } from '../../src/proxy/api';
import { formatDollars, formatPercent, formatTokens } from '../../src/shared/format';

export interface Tile {
  id: string;
  label: string;
  value: string;
  detail: string;
}

export function tiles(stats: StatsResponse): Tile[] {
  const { allTime, session } = stats;
  return [
    {
      id: 'tokens-saved',
      label: 'Tokens saved',
      value: formatTokens(allTime.tokensSaved),
      detail: `${formatTokens(session.tokensSaved)} this session`,
    },
    {
      id: 'dollars-saved',
      label: 'Saved on the bill',
      value: formatDollars(allTime.dollarsSaved),
      detail: dollarsDetail(allTime),
    },
    {
      id: 'compression',
      label: 'Compression',
      value: formatPercent(allTime.compression),
      detail: `${formatTokens(allTime.tokensBefore)} → ${formatTokens(allTime.tokensAfter)} tool-output tokens`,
    },
    {
      id: 'cache-hit-rate',
      label: 'Prompt-cache hit rate',
      value: allTime.cacheHitRate === null ? '—' : formatPercent(allTime.cacheHitRate),
      detail: allTime.cacheHitRate === null ? 'no provider report yet' : 'of input read from the provider cache',
    },
    {
      id: 'retrievals',
      label: 'Retrievals',
      value: String(allTime.retrievals),
      detail: `${allTime.compressedItems} distinct ${allTime.compressedItems === 1 ? 'output' : 'outputs'} compressed`,
    },
  ];
}

/** What the net figure is made of, and what it leaves out, in words. */
function dollarsDetail(allTime: StatsResponse['allTime']): string {
  const costs = `${formatDollars(allTime.dollarsGross)} saved, less ${formatDollars(allTime.retrieveToolDollars)} for the retrieve tool and ${formatDollars(allTime.retrievalDollars)} for retrievals`;
  const unpriced =
    allTime.unpricedRequests > 0
      ? `; ${allTime.unpricedRequests} ${allTime.unpricedRequests === 1 ? 'request' : 'requests'} to models with no known price not counted`
      : '';
  return `${costs}, with the prompt cache counted, at list prices (${allTime.pricesAsOf})${unpriced}. Token counts are estimates.`;
}

export interface Timeline {
  labels: string[];
  sent: number[];
  saved: number[];
}

/** One bar per hour (last 24 h) or day (last 30 days), with empty buckets filled so time reads evenly. */
export function timeline(
  points: StatsResponse['series']['points'],
  bucket: SeriesBucket,
  now: number,
  timeZone?: string,
): Timeline {
  const size = bucket === 'hour' ? 3_600_000 : 86_400_000;
  const count = bucket === 'hour' ? 24 : 30;
  const last = Math.floor(now / size) * size;
  const byStart = new Map(points.map((point) => [point.start, point]));
  const format = new Intl.DateTimeFormat(
    'en-US',
    bucket === 'hour'
      ? { hour: '2-digit', minute: '2-digit', hour12: false, timeZone }
      : { month: 'short', day: 'numeric', timeZone },
  );
  const result: Timeline = { labels: [], sent: [], saved: [] };
  for (let start = last - (count - 1) * size; start <= last; start += size) {
    const point = byStart.get(start);
    result.labels.push(format.format(start));
    result.sent.push(point?.tokensSent ?? 0);
    result.saved.push(point?.tokensSaved ?? 0);
  }
  return result;
}

export interface ItemView {
  hash: string;
  kind: string;
  time: string;
  tool: string;
  tokens: string;
  saved: string;
  preview: string;
}

export function itemView(item: ListedItem, now: number): ItemView {
  const saved = item.tokensBefore > 0 ? 1 - item.tokensAfter / item.tokensBefore : 0;
  return {
    hash: item.hash,
    kind: item.kind,
    time: relativeTime(item.at, now),
    tool: item.tool ?? '—',
    tokens: `${formatTokens(item.tokensBefore)} → ${formatTokens(item.tokensAfter)}`,
    saved: formatPercent(saved),
    preview: item.preview.replace(/\s+/g, ' ').trim(),
  };
}

export function relativeTime(at: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}

/** Which relevance ranks what is kept: said in the panel, so a missing model is never a silent downgrade. */
export function relevanceLabel(relevance: StatsResponse['relevance']): string {
  return relevance.mode === 'hybrid'
    ? `Relevance: BM25 and embeddings (weight ${relevance.embeddingWeight}, ${relevance.budgetMs} ms budget)`
    : `Relevance: BM25 only (${relevance.reason})`;
}
