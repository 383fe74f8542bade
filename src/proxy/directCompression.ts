import { compressText } from '../core/compressText';
import {
  isAggressiveness,
  isContentKind,
  type Aggressiveness,
  type RelevanceScorer,
  type TextCompression,
} from '../core/types';
import type { CcrStore } from '../store/ccrStore';
import type { ItemRecord, RequestRecord } from '../store/records';
import { directCompressionRecord } from '../store/statsStore';
import type { CompressRequest } from './api';

/**
 * One tool output compressed on request (CLI, MCP server, loopback API) rather than inside a
 * proxied conversation: an unknown kind or aggressiveness falls back to detection and the
 * defaults, and the result is recorded like a proxied one, so it counts in the savings and
 * its original expands in the panel.
 */
export async function compressDirectly(
  request: CompressRequest,
  store: CcrStore,
  record: (request: RequestRecord, items: ItemRecord[]) => unknown,
  defaults: { minTokens?: number; aggressiveness?: Aggressiveness; scorer?: RelevanceScorer } = {},
): Promise<TextCompression> {
  const started = performance.now();
  const tool = request.tool ? request.tool.slice(0, 100) : 'direct';
  const result = await compressText(request.content, {
    query: request.query,
    kind: isContentKind(request.kind) ? request.kind : undefined,
    minTokens: request.minTokens ?? defaults.minTokens,
    aggressiveness: isAggressiveness(request.aggressiveness) ? request.aggressiveness : defaults.aggressiveness,
    store,
    tool,
    scorer: defaults.scorer,
  });
  await store.syncOriginals();
  await record(...(await directCompressionRecord(result, store, { tool, latencyMs: performance.now() - started })));
  return result;
}
