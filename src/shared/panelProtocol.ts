/**
 * Every message between the extension host and the savings panel's webview. Both sides
 * import these types, so a message one side sends is a message the other understands.
 */
import type { ItemsResponse, SeriesBucket, StatsResponse } from '../proxy/api';

/** One correction learn proposes, as the panel lists it. */
export interface LearnFinding {
  text: string;
  occurrences: number;
  tokens: number;
}

/** Where the panel's "Run learn" stands. */
export type LearnView =
  | { state: 'idle' }
  | { state: 'running' }
  | {
      state: 'proposed';
      transcripts: number;
      calls: number;
      failures: number;
      findings: LearnFinding[];
      files: Array<{ file: string; diff: string }>;
      /** Why learn left an instructions file alone (a link out of the workspace). */
      refused: string[];
    }
  | { state: 'nothing'; transcripts: number; calls: number; failures: number; refused: string[] }
  | { state: 'applied'; files: string[] }
  | { state: 'failed'; error: string };

export interface ItemsFilter {
  search: string;
  kind: string;
  offset: number;
}

/** Where the proxy is, as the panel shows it. */
export type ProxyView =
  { state: 'running'; url: string; compression: boolean } | { state: 'starting' } | { state: 'down'; error: string };

/** Host → webview. */
export type HostMessage =
  | { type: 'proxy'; proxy: ProxyView }
  | { type: 'stats'; stats: StatsResponse }
  | { type: 'items'; filter: ItemsFilter; items: ItemsResponse }
  | { type: 'original'; hash: string; content: string | null; error?: string }
  | { type: 'learn'; learn: LearnView };

/** Webview → host. */
export type PanelMessage =
  | { type: 'ready' }
  | { type: 'bucket'; bucket: SeriesBucket }
  | { type: 'items'; filter: ItemsFilter }
  | { type: 'expand'; hash: string }
  | { type: 'openOriginal'; hash: string; kind: string }
  | { type: 'copyOriginal'; hash: string }
  | { type: 'toggleCompression' }
  | { type: 'routeAgents' }
  | { type: 'runLearn' }
  | { type: 'applyLearn' }
  | { type: 'discardLearn' };
