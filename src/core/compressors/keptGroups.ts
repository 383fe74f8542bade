/**
 * The kept items with identical ones folded into one, and how many items each stands for.
 * Serialising every item to compare them would cost as much as the rest of the analysis, so
 * an item is serialised only when a cheap identity (see `recordSelection.ts`) matches a kept one's.
 */
export class KeptGroups {
  /** One kept index per group of identical items, in order. */
  readonly representatives: number[] = [];
  /** Each item's representative, or -1 when it is identical to no kept item. */
  private readonly groupOf: Int32Array;
  private readonly sizes = new Map<number, number>();

  constructor(count: number, kept: readonly number[], identity: (i: number) => unknown, json: (i: number) => string) {
    this.groupOf = new Int32Array(count).fill(-1);
    const byJson = new Map<string, number>();
    const identities = new Set<unknown>();
    for (const i of kept) {
      const text = json(i);
      if (byJson.has(text)) continue;
      byJson.set(text, i);
      this.representatives.push(i);
      identities.add(identity(i));
    }
    for (let i = 0; i < count; i++) {
      if (!identities.has(identity(i))) continue;
      const representative = byJson.get(json(i));
      if (representative === undefined) continue;
      this.groupOf[i] = representative;
      this.sizes.set(representative, (this.sizes.get(representative) ?? 0) + 1);
    }
  }

  /** How many items the representative `i` stands for. */
  copies(i: number): number {
    return this.sizes.get(i) ?? 1;
  }

  /** The items identical to no kept one. */
  dropped(): number[] {
    const dropped: number[] = [];
    this.groupOf.forEach((group, i) => {
      if (group === -1) dropped.push(i);
    });
    return dropped;
  }
}
