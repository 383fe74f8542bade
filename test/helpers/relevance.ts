import type { LoopbackClient } from '../../src/proxy/loopbackClient';

type RelevanceStatus = Awaited<ReturnType<LoopbackClient['stats']>>['relevance'];

/** The proxy's relevance once it differs from `passing` (by default: once the model has loaded or failed to), or after ten seconds. */
export async function settledRelevance(
  client: LoopbackClient,
  passing: (relevance: RelevanceStatus) => boolean = isLoading,
): Promise<RelevanceStatus> {
  for (let i = 0; ; i++) {
    const { relevance } = await client.stats();
    if (!passing(relevance) || i === 200) return relevance;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function isLoading(relevance: RelevanceStatus): boolean {
  return relevance.mode === 'bm25' && relevance.reason === 'the embedding model is loading';
}
