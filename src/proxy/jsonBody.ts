import { randomBytes } from 'node:crypto';

/**
 * Deeper nesting than this is no conversation any API takes, and walking it (to compress, to
 * write it back) would overflow the stack: such a body is forwarded as the client sent it.
 */
export const MAX_JSON_DEPTH = 512;

/** A request body read as JSON, and how to write a changed copy of it without losing what the client sent. */
export interface JsonBody {
  value: unknown;
  /**
   * The value as JSON bytes, with every number literal JavaScript cannot hold exactly
   * (integers past 2^53, `1.0`, `1e5`, `-0`, long decimals) written as the client wrote it.
   */
  serialise(value: unknown): Buffer;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = new Set([0x5b, 0x7b]);
const CLOSE = new Set([0x5d, 0x7d]);
const isNumberStart = (c: number) => c === 0x2d || (c >= 0x30 && c <= 0x39);
const isNumberChar = (c: number) => isNumberStart(c) || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;
/** Integers JavaScript holds exactly and writes back the same: the common case, checked without a conversion. */
const PLAIN_INTEGER = /^-?[1-9]\d{0,14}$|^0$/;
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * Parses a request body. Returns why not when it is not a body we may rewrite (malformed JSON is
 * `undefined`: it is forwarded as sent, for the upstream to answer).
 */
export function parseJsonBody(text: string): JsonBody | { unreadable: string } | undefined {
  const scan = scanLiterals(text);
  if (scan.malformed) return undefined;
  if (scan.maxDepth > MAX_JSON_DEPTH) return { unreadable: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` };
  if (scan.literals.length === 0) {
    const value = tryParse(text);
    return value === undefined ? undefined : { value: value.parsed, serialise: (v) => Buffer.from(JSON.stringify(v)) };
  }
  // Each literal becomes a string no client could have written, and goes back in its place when written.
  const nonce = randomBytes(6).toString('hex');
  let marked = '';
  let from = 0;
  scan.literals.forEach(([start, end], i) => {
    marked += `${text.slice(from, start)}"\\u0000headroom-${nonce}-${i}"`;
    from = end;
  });
  marked += text.slice(from);
  const value = tryParse(marked);
  if (value === undefined) return undefined;
  const placeholder = new RegExp(`"\\\\u0000headroom-${nonce}-(\\d+)"`, 'g');
  const literals = scan.literals.map(([start, end]) => text.slice(start, end));
  return {
    value: value.parsed,
    serialise: (v) => Buffer.from(JSON.stringify(v).replace(placeholder, (_, i: string) => literals[Number(i)])),
  };
}

function tryParse(text: string): { parsed: unknown } | undefined {
  try {
    return { parsed: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/**
 * One pass over the text outside its strings: how deep it nests, and where the number literals
 * are that `JSON.stringify(JSON.parse(…))` would not give back unchanged.
 */
function scanLiterals(text: string): { maxDepth: number; literals: Array<[number, number]>; malformed: boolean } {
  const literals: Array<[number, number]> = [];
  let depth = 0;
  let maxDepth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) i = closingQuote(text, i);
    else if (OPEN.has(c)) maxDepth = Math.max(maxDepth, ++depth);
    else if (CLOSE.has(c)) depth--;
    else if (isNumberStart(c)) {
      let end = i + 1;
      while (end < text.length && isNumberChar(text.charCodeAt(end))) end++;
      const literal = text.slice(i, end);
      if (!PLAIN_INTEGER.test(literal) && String(Number(literal)) !== literal) {
        if (!JSON_NUMBER.test(literal)) return { maxDepth, literals, malformed: true };
        literals.push([i, end]);
      }
      i = end - 1;
    }
  }
  return { maxDepth, literals, malformed: false };
}

/** The index of the quote that closes the string opening at `open` (or the end of the text). */
function closingQuote(text: string, open: number): number {
  let at = open;
  for (;;) {
    at = text.indexOf('"', at + 1);
    if (at < 0) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}
