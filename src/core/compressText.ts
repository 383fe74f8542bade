import type { Compressor, CompressorContext } from './compressors/compressor';
import { compressDiff } from './compressors/diffCompressor';
import { crushJson } from './compressors/jsonCrusher';
import { compressLog } from './compressors/logCompressor';
import { compressSearch } from './compressors/searchCompressor';
import { compressTable } from './compressors/tableCompressor';
import { compressCode, compressProse } from './compressors/textCompressor';
import { DeadlineExceeded, deadlineCheck } from './deadline';
import { detectKind, parseJsonDocument, type Detection } from './detect';
import { contentHash } from './hash';
import { markerHashes } from './marker';
import { defaultStore } from './memoryStore';
import { bm25Scorer } from './relevance/bm25Scorer';
import { countTokens } from './tokens';
import { ENGINE_VERSION } from './engineVersion';
import { tuningFor } from './tuning';
import type { CachedCompression, ContentKind, EngineOptions, StoredOriginal, TextCompression } from './types';

export const DEFAULT_MIN_TOKENS = 500;
export const DEFAULT_MIN_SAVINGS = 0.1;

const COMPRESSORS: Record<Exclude<ContentKind, 'json'>, Compressor> = {
  table: compressTable,
  log: compressLog,
  search: compressSearch,
  diff: compressDiff,
  code: compressCode,
  prose: compressProse,
};

/**
 * Compresses one tool output. Never throws on content: anything that goes wrong returns the
 * original with the reason. A content seen before (same settings) is replayed from the
 * store's memo byte for byte, whatever today's query, so the provider's prompt cache holds.
 */
export async function compressText(content: string, options: EngineOptions = {}): Promise<TextCompression> {
  const minTokens = options.minTokens ?? DEFAULT_MIN_TOKENS;
  const store = options.store ?? defaultStore;
  const hash = contentHash(content);
  const untouched = (kind: TextCompression['kind'], reason: string, tokens: number): TextCompression => ({
    text: content, compressed: false, kind, hash, tokensBefore: tokens, tokensAfter: tokens, transforms: [], markerHashes: [], reason, cached: false,
  });

  if (content.length < minTokens) return untouched(options.kind ?? 'unknown', 'below-threshold', countTokens(content));
  const memoKey = memoKeyFor(hash, options);
  const memo = store.getCompression(memoKey);
  if (memo) return fromMemo(content, hash, memo);

  const tokensBefore = countTokens(content);
  if (tokensBefore < minTokens) return untouched(options.kind ?? 'unknown', 'below-threshold', tokensBefore);
  if (options.deadline !== undefined && Date.now() > options.deadline) return untouched(options.kind ?? 'unknown', 'deadline', tokensBefore);

  let detection: Detection;
  try {
    detection = options.kind ? forcedDetection(content, options.kind) : detectKind(content);
  } catch (error) {
    return untouched(options.kind ?? 'unknown', `error: ${describe(error)}`, tokensBefore);
  }
  if (detection.kind === 'binary') return untouched('binary', 'binary', tokensBefore);
  const kind = detection.kind;

  const pending: StoredOriginal[] = [];
  const context: CompressorContext = {
    query: options.query,
    scorer: options.scorer ?? bm25Scorer,
    tuning: tuningFor(options.aggressiveness ?? 'balanced'),
    inputHash: hash,
    checkDeadline: deadlineCheck(options.deadline),
    keepOriginal(original, originalKind) {
      const originalHash = contentHash(original);
      pending.push({ hash: originalHash, content: original, kind: originalKind, tool: options.tool });
      return originalHash;
    },
  };

  let result;
  try {
    result = detection.kind === 'json' ? await crushJson(content, context, detection.value) : await COMPRESSORS[detection.kind](content, context);
  } catch (error) {
    const reason = error instanceof DeadlineExceeded ? 'deadline' : `error: ${describe(error)}`;
    return untouched(kind, reason, tokensBefore);
  }

  const tokensAfter = result ? countTokens(result.text) : tokensBefore;
  const minSavings = options.minSavings ?? DEFAULT_MIN_SAVINGS;
  if (!result || tokensAfter > tokensBefore * (1 - minSavings)) {
    const reason = result ? 'low-savings' : 'nothing-to-drop';
    store.putCompression(memoKey, { compressed: false, kind, tokensBefore, tokensAfter: tokensBefore, transforms: [], markerHashes: [], reason });
    return untouched(kind, reason, tokensBefore);
  }

  store.putOriginal({ hash, content, kind, tool: options.tool });
  for (const original of pending) store.putOriginal(original);
  const compressed: CachedCompression = {
    compressed: true, text: result.text, kind, tokensBefore, tokensAfter, transforms: result.transforms, markerHashes: markerHashes(result.text),
  };
  store.putCompression(memoKey, compressed);
  return { ...fromMemo(content, hash, compressed), cached: false };
}

/** The query is left out on purpose: the first turn's compression is replayed in later turns. */
function memoKeyFor(hash: string, options: EngineOptions): string {
  const settings = [ENGINE_VERSION, options.kind ?? 'auto', options.minTokens ?? DEFAULT_MIN_TOKENS, options.minSavings ?? DEFAULT_MIN_SAVINGS, options.aggressiveness ?? 'balanced'];
  return `${hash}:${settings.join(':')}`;
}

function fromMemo(content: string, hash: string, memo: CachedCompression): TextCompression {
  return {
    text: memo.compressed && memo.text !== undefined ? memo.text : content,
    compressed: memo.compressed,
    kind: memo.kind,
    hash,
    tokensBefore: memo.tokensBefore,
    tokensAfter: memo.tokensAfter,
    transforms: memo.transforms,
    markerHashes: memo.markerHashes,
    reason: memo.reason,
    cached: true,
  };
}

/** A kind named by the caller applies to text; valid JSON always goes to the JSON crusher so it stays valid JSON. */
function forcedDetection(content: string, kind: ContentKind): Detection {
  const json = parseJsonDocument(content);
  if (json.ok) return { kind: 'json', value: json.value };
  if (kind === 'json') throw new Error('not valid JSON');
  return { kind };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
