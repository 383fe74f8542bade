/** After a failed download, how long a window start waits before it tries (and warns) again. */
export const RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

export interface FetchSituation {
  /** headroom.embeddings.enabled */
  enabled: boolean;
  /** The model and runtime are both in place. */
  inPlace: boolean;
  /** The user cancelled a download and has not asked for one since. */
  declined: boolean;
  /** The last download's failure, if nothing has succeeded or changed since. */
  failure: { at: number; message: string } | undefined;
  now: number;
}

/**
 * Whether a window start (or a settings change) downloads the embedding model unasked: not
 * when it is off or there, not after the user cancelled, and, offline, not at every start.
 */
export function fetchesUnasked(situation: FetchSituation): boolean {
  if (!situation.enabled || situation.inPlace || situation.declined) return false;
  return situation.failure === undefined || situation.now - situation.failure.at >= RETRY_AFTER_MS;
}

/** What the proxy says while the model downloads. */
export const DOWNLOADING = 'the embedding model is downloading';

/** Why relevance is BM25 alone when the model is not in place, as the stats and the panel say it. */
export function whyBm25(situation: FetchSituation): string {
  if (!situation.enabled) return 'relevance by meaning is turned off (headroom.embeddings.enabled)';
  if (situation.declined)
    return 'the embedding model download was cancelled; "Headroom: Download Embedding Model" fetches it';
  if (situation.failure && !fetchesUnasked(situation))
    return `the embedding model could not be downloaded: ${situation.failure.message}`;
  return DOWNLOADING;
}
