/** One variable that routing set: what it was before (null: absent) and what routing put there. */
export interface EnvChange {
  name: string;
  previous: string | null;
  value: string;
}

/**
 * Sets `wanted` on top of `current`. A variable routed before keeps its first recorded
 * `previous`, so undoing a second routing still restores what the user had.
 */
export function applyEnv(
  current: Readonly<Record<string, string>>,
  wanted: Readonly<Record<string, string>>,
  earlier: readonly EnvChange[] = [],
): { next: Record<string, string>; changes: EnvChange[] } {
  const next = { ...current };
  const changes = Object.entries(wanted).map(([name, value]) => {
    const before = earlier.find((change) => change.name === name);
    const previous = before ? before.previous : (current[name] ?? null);
    next[name] = value;
    return { name, previous, value };
  });
  return { next, changes };
}

/**
 * Undoes `changes`: a variable still holding what routing set gets its previous value back
 * (or goes); one the user has changed since is left alone and reported in `kept`.
 */
export function revertEnv(
  current: Readonly<Record<string, string>>,
  changes: readonly EnvChange[],
): { next: Record<string, string>; kept: string[] } {
  const next = { ...current };
  const kept: string[] = [];
  for (const change of changes) {
    if (next[change.name] !== change.value) {
      if (next[change.name] !== undefined) kept.push(change.name);
      continue;
    }
    if (change.previous === null) delete next[change.name];
    else next[change.name] = change.previous;
  }
  return { next, kept };
}
