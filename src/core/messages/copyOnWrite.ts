export type Path = ReadonlyArray<string | number>;

/**
 * Replaces values deep inside a JSON-like tree without touching the input: each object or
 * array on a written path is copied once, everything else is shared with the input.
 */
export class CopyOnWrite<T> {
  private readonly copied = new Set<unknown>();
  private current: T;

  constructor(root: T) {
    this.current = root;
  }

  get value(): T {
    return this.current;
  }

  set(path: Path, value: unknown): void {
    this.current = this.copy(this.current) as T;
    let node = this.current as Record<string | number, unknown>;
    for (let i = 0; i < path.length - 1; i++) {
      const child = this.copy(node[path[i]]);
      node[path[i]] = child;
      node = child as Record<string | number, unknown>;
    }
    node[path[path.length - 1]] = value;
  }

  private copy(node: unknown): unknown {
    if (this.copied.has(node) || typeof node !== 'object' || node === null) return node;
    const clone = Array.isArray(node) ? [...(node as unknown[])] : { ...(node as object) };
    this.copied.add(clone);
    return clone;
  }
}
