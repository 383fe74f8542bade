/** After a failed download, how long a window start waits before it tries (and warns) again. */
export const RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

export interface FetchSituation {
  /** headroom.embeddings.enabled */
  enabled: boolean;
  /** The model and runtime are both in place. */
  inPlace: boolean;
  /** The user cancelled a download and has not asked for one since. */
  declined: boolean;
  /** When the last download failed, if it did and nothing has succeeded or changed since. */
  failedAt: number | undefined;
  now: number;
}

/**
 * Whether a window start (or a settings change) downloads the embedding model unasked: not
 * when it is off or there, not after the user cancelled, and, offline, not at every start.
 */
export function fetchesUnasked(situation: FetchSituation): boolean {
  if (!situation.enabled || situation.inPlace || situation.declined) return false;
  return situation.failedAt === undefined || situation.now - situation.failedAt >= RETRY_AFTER_MS;
}
