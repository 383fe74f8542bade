import { EventEmitter } from 'node:events';
import type { RequestEvent, SeriesBucket, StatsResponse } from '../proxy/api';
import { LoopbackClient } from '../proxy/loopbackClient';

const RECONNECT_MS = 2_000;
const REFRESH_MS = 30_000;
/** Several requests finishing together cause one stats fetch, not one each. */
const THROTTLE_MS = 250;

/**
 * Live statistics from a running proxy: the latest `/headroom/stats` answer, fetched again
 * whenever the proxy's event stream announces a finished request (and every 30 s, for
 * changes made elsewhere, such as another window's toggle).
 */
export class StatsFeed extends EventEmitter<{ stats: [StatsResponse]; request: [RequestEvent] }> {
  private client: LoopbackClient | undefined;
  private abort: AbortController | undefined;
  private pending: NodeJS.Timeout | undefined;
  private periodic: NodeJS.Timeout | undefined;
  private bucketShown: SeriesBucket = 'hour';
  latest: StatsResponse | undefined;

  get proxy(): LoopbackClient | undefined {
    return this.client;
  }

  get bucket(): SeriesBucket {
    return this.bucketShown;
  }

  connect(url: string, apiToken: string): void {
    if (this.client?.url === url) return;
    this.disconnect();
    const client = new LoopbackClient(url, apiToken);
    const abort = new AbortController();
    this.client = client;
    this.abort = abort;
    this.periodic = setInterval(() => this.schedule(), REFRESH_MS);
    void this.follow(client, abort.signal);
    this.schedule(0);
  }

  disconnect(): void {
    this.abort?.abort();
    clearTimeout(this.pending);
    clearInterval(this.periodic);
    this.pending = undefined;
    this.client = undefined;
    this.abort = undefined;
  }

  setBucket(bucket: SeriesBucket): void {
    this.bucketShown = bucket;
    this.schedule(0);
  }

  /** Fetches the stats soon; several calls within the throttle window give one fetch. */
  schedule(delayMs = THROTTLE_MS): void {
    if (this.pending || !this.client) return;
    const client = this.client;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      client.stats(this.bucketShown).then(
        (stats) => {
          if (client !== this.client) return;
          this.latest = stats;
          this.emit('stats', stats);
        },
        () => undefined,
      );
    }, delayMs);
  }

  private async follow(client: LoopbackClient, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await client.events((event) => {
          this.emit('request', event);
          this.schedule();
        }, signal);
      } catch {
        // The proxy restarted or went away; the supervisor reports that, this keeps trying.
      }
      if (signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
      this.schedule(0);
    }
  }
}
