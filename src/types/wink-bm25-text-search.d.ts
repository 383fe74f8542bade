declare module 'wink-bm25-text-search' {
  /** wink hands a field's value to the prep tasks as it is, so a field may hold its terms already. */
  type FieldValue = string | string[];
  interface Bm25Engine {
    defineConfig(config: {
      fldWeights: Record<string, number>;
      bm25Params?: { k1?: number; b?: number; k?: number };
    }): boolean;
    definePrepTasks<T extends FieldValue>(tasks: Array<(input: T) => string[]>, field?: string): number;
    addDoc(doc: Record<string, FieldValue>, id: string | number): number;
    consolidate(precision?: number): boolean;
    search(text: string, limit?: number): Array<[string, number]>;
  }
  function bm25(): Bm25Engine;
  export = bm25;
}
