/** Indices to keep, each with the reasons it is kept, in a stable order. */
export class KeepSet {
  private readonly reasons = new Map<number, Set<string>>();

  add(index: number, reason: string): void {
    if (index < 0) return;
    const set = this.reasons.get(index) ?? new Set<string>();
    set.add(reason);
    this.reasons.set(index, set);
  }

  indices(): number[] {
    return [...this.reasons.keys()].sort((a, b) => a - b);
  }

  describe(): string {
    const counts = new Map<string, number>();
    for (const set of this.reasons.values())
      for (const reason of set) counts.set(reason, (counts.get(reason) ?? 0) + 1);
    return [...counts].map(([reason, count]) => `${count} ${reason}`).join(', ');
  }
}
