import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { ItemRecord, RequestRecord } from '../store/records';
import type { ProxyTotals } from './api';

/** Seconds: from a cached short answer to a long generation with retrieval rounds. */
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/**
 * The proxy's figures in Prometheus' text format, for `GET /metrics`: one registry per proxy
 * (so several in one process never share counters), the process's own figures beside them.
 */
export class ProxyMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'provider' | 'status' | 'user'>;
  private readonly tokens: Counter<'provider' | 'user' | 'stage'>;
  private readonly dollarsSaved: Counter<'provider' | 'user'>;
  private readonly dollarsLost: Counter<'provider' | 'user'>;
  private readonly compressions: Counter<'provider' | 'kind'>;
  private readonly latency: Histogram<'provider'>;

  constructor(totals: Readonly<ProxyTotals>) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
      new Counter<L>({ name, help, labelNames, registers });
    this.requests = counter(
      'headroom_requests_total',
      'Conversation requests answered, by provider, status class and user',
      ['provider', 'status', 'user'],
    );
    this.tokens = counter(
      'headroom_tool_output_tokens_total',
      'Tokens of the tool outputs in requests, before and after compression (engine estimate)',
      ['provider', 'user', 'stage'],
    );
    this.dollarsSaved = counter(
      'headroom_dollars_saved_total',
      'Dollars requests saved on the bill (provider-reported usage, prompt cache counted, retrieval costs deducted)',
      ['provider', 'user'],
    );
    // A counter only grows, so requests that cost more than they saved are summed apart: net = saved − lost.
    this.dollarsLost = counter(
      'headroom_dollars_lost_total',
      'Dollars requests cost beyond what they would have without Headroom (the same accounting)',
      ['provider', 'user'],
    );
    this.compressions = counter('headroom_compressed_outputs_total', 'Tool outputs sent compressed, by content kind', [
      'provider',
      'kind',
    ]);
    this.latency = new Histogram({
      name: 'headroom_request_duration_seconds',
      help: 'Time from a request’s arrival to the end of its answer, retrieval rounds included',
      labelNames: ['provider'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    // Counted where they happen, read at scrape time.
    for (const [name, help, total] of [
      ['headroom_retrievals_total', 'Originals retrieved by models through the proxy', () => totals.retrievals],
      [
        'headroom_failures_total',
        'Failures the proxy recorded (each let the request through unchanged)',
        () => totals.failures,
      ],
      [
        'headroom_checkpoints_total',
        'Deliberate rewrites of a conversation’s older tool outputs',
        () => totals.checkpoints,
      ],
    ] as const)
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(total());
        },
      });
  }

  observe(request: RequestRecord, items: readonly ItemRecord[]): void {
    const { provider } = request;
    const user = request.user ?? '';
    this.requests.inc({ provider, status: `${Math.floor(request.status / 100)}xx`, user });
    this.tokens.inc({ provider, user, stage: 'before' }, request.tokensBefore);
    this.tokens.inc({ provider, user, stage: 'after' }, request.tokensAfter);
    const net = request.savings?.net ?? 0;
    if (net > 0) this.dollarsSaved.inc({ provider, user }, net);
    else if (net < 0) this.dollarsLost.inc({ provider, user }, -net);
    for (const item of items) this.compressions.inc({ provider, kind: item.kind });
    this.latency.observe({ provider }, request.latencyMs / 1_000);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
