/** The engine as a library: `compress(messages, options)` and `compressText(content, options)`. */
export { compress, type CompressOptions, type CompressResult, type ItemStats } from './core/compress';
export { compressText, DEFAULT_MIN_SAVINGS } from './core/compressText';
export { DEFAULT_MIN_TOKENS } from './shared/defaults';
export { ENGINE_VERSION } from './core/engineVersion';
export { detectFormat, type MessageFormat } from './core/messages/formats';
export { MemoryStore } from './core/memoryStore';
export { markerHashes, MARKER_PREFIX } from './core/marker';
export { selectFromOriginal, type RetrievedPart, type RetrieveOptions } from './core/retrieve';
export { bm25Scorer } from './core/relevance/bm25Scorer';
export { hybridScorer, type WeightedScorer } from './core/relevance/hybridScorer';
export { countTokens } from './core/tokens';
export type * from './core/types';
export { CcrStore, type CcrStoreOptions } from './store/ccrStore';
export { InvalidShare, SharedContext, type SharePutOptions } from './store/sharedContext';
export type { SharedEntry, SharedListing, SharedProvenance, SharedPut } from './store/records';
export { answerRetrieve, RETRIEVE_TOOL_NAME, type Retriever } from './core/retrieveAnswer';
export type { RetrieveOutcome } from './core/retrieve';
