import { compressText } from '../../src/core/compressText';
import { MemoryStore } from '../../src/core/memoryStore';
import { selectFromOriginal } from '../../src/core/retrieve';
import type { EngineOptions, TextCompression } from '../../src/core/types';

/** Compresses with a fresh in-memory store and hands back both, so tests can retrieve what was dropped. */
export async function compressWithStore(
  content: string,
  options: EngineOptions = {},
): Promise<{ result: TextCompression; store: MemoryStore }> {
  const store = new MemoryStore();
  const result = await compressText(content, { ...options, store });
  return { result, store };
}

export async function retrieveAll(store: MemoryStore, hash: string): Promise<string> {
  const original = store.getOriginal(hash);
  if (!original) throw new Error(`nothing stored under ${hash}`);
  return (await selectFromOriginal(original)).content;
}
