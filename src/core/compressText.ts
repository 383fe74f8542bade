import { DEFAULT_MIN_TOKENS } from '../shared/defaults';
import { errorMessage } from '../shared/errorMessage';
import type { Compressor, CompressorContext, CompressorResult, OutputRole } from './compressors/compressor';
import { compressDiagnostics } from './compressors/diagnosticsCompressor';
import { compressDiff } from './compressors/diffCompressor';
import { crushJson } from './compressors/jsonCrusher';
import { compressListing } from './compressors/listingCompressor';
import { compressLog } from './compressors/logCompressor';
import { compressSearch } from './compressors/searchCompressor';
import { compressTable } from './compressors/tableCompressor';
import { compressCode } from './compressors/codeCompressor';
import { compressProse } from './compressors/textCompressor';
import { historyDigest } from './compressors/historyDigest';
import { filePathOfCall, languageOfPath, shellCommandOf } from './codeOutline';
import { DeadlineExceeded, deadlineCheck } from './deadline';
import { detectKind, parseJsonDocument, type Detection } from './detect';
import { openEnvelope } from './envelope';
import { contentHash } from './hash';
import { markerHashes } from './marker';
import { defaultStore } from './memoryStore';
import { bm25Scorer } from './relevance/bm25Scorer';
import { countTokens } from './tokens';
import { ENGINE_VERSION } from './engineVersion';
import { tuningFor } from './tuning';
import type {
  CachedCompression,
  CompressionStore,
  ContentKind,
  EngineOptions,
  OffloadedOptions,
  StoredOriginal,
  TextCompression,
} from './types';

export const DEFAULT_MIN_SAVINGS = 0.1;
/** Outputs this long go to `offload` when there is one: compressing one here would hold the thread up. */
export const OFFLOAD_CHARS = 256 * 1024;

const COMPRESSORS: Record<Exclude<ContentKind, 'json'>, Compressor> = {
  table: compressTable,
  log: compressLog,
  search: compressSearch,
  diff: compressDiff,
  listing: compressListing,
  diagnostics: compressDiagnostics,
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
    text: content,
    compressed: false,
    kind,
    hash,
    tokensBefore: tokens,
    tokensAfter: tokens,
    transforms: [],
    markerHashes: [],
    reason,
    cached: false,
  });

  if (content.length < minTokens) return untouched(options.kind ?? 'unknown', 'below-threshold', countTokens(content));
  const role = roleOf(options);
  const memoKey = memoKeyFor(hash, options, role);
  const memo = await store.getCompression(memoKey);
  if (memo) return fromMemo(content, hash, memo);
  if (options.offload && content.length >= OFFLOAD_CHARS) {
    const done = await options.offload(content, offloadedOptions(options));
    if (!done) return untouched(options.kind ?? 'unknown', 'deadline', countTokens(content));
    const { result, originals } = done;
    const notStored = await storeAll(store, originals);
    if (notStored) return untouched(result.kind, notStored, result.tokensBefore);
    if (result.kind !== 'binary' && !/^(deadline|error)/.test(result.reason ?? '')) {
      const { text, hash: _hash, cached: _cached, ...decision } = result;
      remember(store, memoKey, { ...decision, kind: result.kind, text: result.compressed ? text : undefined });
    }
    return result;
  }

  const tokensBefore = countTokens(content);
  if (tokensBefore < minTokens) {
    // Remembered like any other decision: agents re-send every output each turn, and counting its tokens again costs more than the lookup.
    remember(store, memoKey, {
      compressed: false,
      kind: options.kind ?? 'unknown',
      tokensBefore,
      tokensAfter: tokensBefore,
      transforms: [],
      markerHashes: [],
      reason: 'below-threshold',
    });
    return untouched(options.kind ?? 'unknown', 'below-threshold', tokensBefore);
  }
  if (options.deadline !== undefined && Date.now() > options.deadline)
    return untouched(options.kind ?? 'unknown', 'deadline', tokensBefore);

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
    codeParser: options.codeParser,
    language: languageOfPath(filePathOfCall(options.toolInput) ?? VIEWED_FILE.exec(content)?.[1]),
    role,
    focus: options.focus,
  };

  const envelope = options.kind ? undefined : openEnvelope(content);
  let kind: ContentKind;
  let result: CompressorResult | undefined;
  try {
    if (envelope) {
      // Each body by its own kind; the wrapper's lines and the line numbers stay as they are.
      const bodies = [];
      for (const body of envelope.bodies) bodies.push(await compressBody(body, undefined, context));
      const first = bodies[0].kind;
      if (first === 'binary' || bodies.some((b) => b.kind === 'binary'))
        return untouched('binary', 'binary', tokensBefore);
      kind = first;
      const changed = bodies.filter((b) => b.result);
      result =
        changed.length === 0
          ? undefined
          : {
              text: envelope.close(bodies.map((b, i) => b.result?.text ?? envelope.bodies[i])),
              transforms: ['envelope', ...new Set(changed.flatMap((b) => b.result!.transforms))],
            };
    } else {
      const body = await compressBody(content, options.kind, context);
      if (body.kind === 'binary') return untouched('binary', 'binary', tokensBefore);
      kind = body.kind;
      result = body.result;
    }
  } catch (error) {
    const reason = error instanceof DeadlineExceeded ? 'deadline' : `error: ${errorMessage(error)}`;
    return untouched(options.kind ?? 'unknown', reason, tokensBefore);
  }

  const tokensAfter = result ? countTokens(result.text) : tokensBefore;
  const minSavings = options.minSavings ?? DEFAULT_MIN_SAVINGS;
  if (!result || tokensAfter > tokensBefore * (1 - minSavings)) {
    const reason = result ? 'low-savings' : 'nothing-to-drop';
    remember(store, memoKey, {
      compressed: false,
      kind,
      tokensBefore,
      tokensAfter: tokensBefore,
      transforms: [],
      markerHashes: [],
      reason,
    });
    return untouched(kind, reason, tokensBefore);
  }

  const notStored = await storeAll(store, [{ hash, content, kind, tool: options.tool }, ...pending]);
  if (notStored) return untouched(kind, notStored, tokensBefore);
  const compressed: CachedCompression = {
    compressed: true,
    text: result.text,
    kind,
    tokensBefore,
    tokensAfter,
    transforms: result.transforms,
    markerHashes: markerHashes(result.text),
  };
  remember(store, memoKey, compressed);
  return { ...fromMemo(content, hash, compressed), cached: false };
}

/** Detects a body's kind (unless it is forced) and runs its compressor; undefined result: nothing to drop. */
async function compressBody(
  text: string,
  forced: ContentKind | undefined,
  context: CompressorContext,
): Promise<{ kind: ContentKind | 'binary'; result?: CompressorResult }> {
  let detection = forced ? forcedDetection(text, forced) : detectKind(text);
  if (detection.kind === 'binary') return { kind: 'binary' };
  // A view of a source file is code, however much its lines look like a log or like prose.
  if (!forced && context.language && (detection.kind === 'log' || detection.kind === 'prose'))
    detection = { kind: 'code' };
  const result =
    detection.kind === 'json'
      ? await crushJson(text, context, detection.value)
      : await COMPRESSORS[detection.kind](text, context);
  // History that its own compressor kept most of is digested: an output the conversation has
  // moved past keeps what the conversation went on to use. JSON stays JSON.
  if (
    context.role === 'history' &&
    detection.kind !== 'json' &&
    (!result || result.text.length > text.length * HISTORY_DIGEST_ABOVE)
  ) {
    const digest = historyDigest(text, context);
    if (digest && digest.text.length < (result?.text.length ?? text.length))
      return { kind: detection.kind, result: digest };
  }
  return { kind: detection.kind, result };
}

/** A history output still this share of its size after its own compressor is digested instead. */
const HISTORY_DIGEST_ABOVE = 0.5;

/** The query is left out on purpose: the first turn's compression is replayed in later turns. */
function memoKeyFor(hash: string, options: EngineOptions, role: OutputRole): string {
  const settings = [
    ENGINE_VERSION,
    options.kind ?? 'auto',
    options.minTokens ?? DEFAULT_MIN_TOKENS,
    options.minSavings ?? DEFAULT_MIN_SAVINGS,
    options.aggressiveness ?? 'balanced',
    role,
    options.codeParser ? 'outline' : 'plain',
  ];
  return `${hash}:${settings.join(':')}`;
}

/** The reason prefix of an output left as it was because its original could not be stored. */
export const NOT_STORED = 'original not stored';

/**
 * Stores the originals a compression's markers name; when one cannot be stored (disk full,
 * read-only) says why, and the output goes as it was: no marker without its original.
 */
async function storeAll(store: CompressionStore, originals: readonly StoredOriginal[]): Promise<string | undefined> {
  try {
    await Promise.all(originals.map((original) => store.putOriginal(original)));
    return undefined;
  } catch (error) {
    return `${NOT_STORED}: ${errorMessage(error)}`;
  }
}

function offloadedOptions(options: EngineOptions): OffloadedOptions {
  const { query, kind, minTokens, minSavings, aggressiveness, deadline, tool, toolInput, history } = options;
  return { query, kind, minTokens, minSavings, aggressiveness, deadline, tool, toolInput, history };
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

/** OpenHands names the file its editor viewed in the output's first line. */
const VIEWED_FILE = /^Here's the result of running `cat -n` on (\S+):/;

/** A whole file the model asked for without a line range, a range it is about to edit, or an output turns back. */
function roleOf(options: EngineOptions): OutputRole {
  if (options.history) return 'history';
  const input = options.toolInput;
  if (typeof input !== 'object' || input === null) return 'current';
  const args = input as Record<string, unknown>;
  if (options.tool === 'Read') return args.offset === undefined && args.limit === undefined ? 'whole-file' : 'current';
  if (args.command === 'view') return args.view_range === undefined ? 'whole-file' : 'current';
  return /^\s*(cat|bat)\s+[^|;&]+$/.test(shellCommandOf(input) ?? '') ? 'whole-file' : 'current';
}

/** A kind named by the caller applies to text; valid JSON always goes to the JSON crusher so it stays valid JSON. */
function forcedDetection(content: string, kind: ContentKind): Detection {
  const json = parseJsonDocument(content);
  if (json.ok) return { kind: 'json', value: json.value };
  if (kind === 'json') throw new Error('not valid JSON');
  return { kind };
}

/** Stores a memo entry without waiting: a memo that could not be kept only means compressing again. */
function remember(store: CompressionStore, key: string, value: CachedCompression): void {
  void Promise.resolve()
    .then(() => store.putCompression(key, value))
    .catch(() => undefined);
}
