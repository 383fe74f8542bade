import type { ProviderUsage } from '../usageObserver';
import { isRecord } from '../../shared/isRecord';

export type Usage = Record<string, unknown>;

/** Token counts of several upstream rounds added field by field (nested details included), as one answer would report them. */
export function addUsage(total: Usage, usage: unknown): Usage {
  if (typeof usage !== 'object' || usage === null) return total;
  for (const [key, value] of Object.entries(usage)) {
    if (typeof value === 'number') total[key] = (typeof total[key] === 'number' ? (total[key] as number) : 0) + value;
    else if (isRecord(value)) total[key] = addUsage({ ...((total[key] as Usage | undefined) ?? {}) }, value);
  }
  return total;
}

/**
 * The usage of the upstream rounds that answer one client request: summed for the client
 * (one answer), and kept round by round for the accounting, where the rounds after the first
 * are what retrieval cost.
 */
export class RoundUsage {
  /** What the client is told: every round's usage added up. */
  readonly summed: Usage = {};
  /** The model that answered, as the answers name it. */
  model: string | undefined;
  private readonly rounds: Usage[] = [];

  /** `read` is the dialect's reader of its usage block. */
  constructor(private readonly read: (usage: unknown, model?: string) => ProviderUsage | undefined) {}

  add(usage: unknown): void {
    if (typeof usage !== 'object' || usage === null) return;
    this.rounds.push(usage as Usage);
    addUsage(this.summed, usage);
  }

  /** The summed usage in the proxy's shape, with the rounds after the first apart; undefined when no round reported any. */
  report(): ProviderUsage | undefined {
    if (this.rounds.length === 0) return undefined;
    const total = this.read(this.summed, this.model);
    if (!total) return undefined;
    return { ...total, laterRounds: this.rounds.slice(1).flatMap((round) => this.read(round, this.model) ?? []) };
  }
}
