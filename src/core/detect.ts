import { readDiagnostics } from './diagnostics';
import { readListing } from './fileListing';
import { readTable } from './tableReader';
import type { ContentKind } from './types';

export type Detection = { kind: 'binary' } | { kind: 'json'; value: unknown } | { kind: Exclude<ContentKind, 'json'> };

const SAMPLE_LINES = 400;

/** Decides which compressor a tool output goes to. Looks at a sample of lines, so it stays cheap on huge inputs. */
export function detectKind(text: string): Detection {
  if (looksBinary(text)) return { kind: 'binary' };
  const json = parseJsonDocument(text);
  if (json.ok) return { kind: 'json', value: json.value };

  const lines = sampleLines(text);
  if (lines.length === 0) return { kind: 'prose' };
  if (isDiff(lines)) return { kind: 'diff' };
  // Before search: `file.c:3:5: error: …` is also a `path:line:` line.
  if (readDiagnostics(lines)) return { kind: 'diagnostics' };
  if (isSearchOutput(lines)) return { kind: 'search' };
  if (readListing(lines)) return { kind: 'listing' };
  if (readTable(lines)) return { kind: 'table' };

  const share = (test: (line: string) => boolean) => lines.filter(test).length / lines.length;
  if (share(isNumberedSourceLine) > 0.6) return { kind: 'code' };
  const logShare = share(isLogLike);
  const codeShare = share(isCodeLike);
  if (isMarkdown(lines, share)) return { kind: 'prose' };
  if (logShare >= 0.3 && logShare >= codeShare) return { kind: 'log' };
  if (codeShare >= 0.3) return { kind: 'code' };
  if (share(isProseLike) >= 0.5) return { kind: 'prose' };
  return { kind: lines.length >= 20 ? 'log' : 'prose' };
}

/** A control character other than tab and line ends, or the replacement character left by a bad decode. */
// eslint-disable-next-line no-control-regex -- control characters are what the test looks for
const SUSPICIOUS_CHAR = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]/;

function looksBinary(text: string): boolean {
  const sample = text.length > 65_536 ? text.slice(0, 65_536) : text;
  // Most text holds no suspicious character at all: one native scan settles it.
  if (!SUSPICIOUS_CHAR.test(sample)) return false;
  let suspicious = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c === 0) return true;
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0xfffd) suspicious++;
  }
  return suspicious / sample.length > 0.1;
}

type JsonParse = { ok: true; value: unknown } | { ok: false };

export function parseJsonDocument(text: string): JsonParse {
  const first = firstNonSpace(text);
  if (first !== '{' && first !== '[') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function firstNonSpace(text: string): string {
  const match = /\S/.exec(text.length > 1024 ? text.slice(0, 1024) : text);
  return match ? match[0] : '';
}

function sampleLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  while (start < text.length && lines.length < SAMPLE_LINES) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, Math.min(end, start + 2_000));
    if (line.trim()) lines.push(line);
    start = end + 1;
  }
  return lines;
}

/** A diff shows its file headers within its first lines; the sample holds them. */
function isDiff(lines: readonly string[]): boolean {
  if (lines.some((line) => /^diff --(git|combined|cc) /.test(line))) return true;
  return (
    lines.some((line) => /^--- \S/.test(line)) &&
    lines.some((line) => /^\+\+\+ \S/.test(line)) &&
    lines.some((line) => /^@@+ -\d/.test(line))
  );
}

/**
 * `path:line:text` or `path-line-text` (ripgrep's context lines): the path is the longest
 * colon-free run, holding a word character, that a line number follows. The part before the
 * path's first word character cannot hold one, so there is one way to split a line: the
 * match stays linear in the line's length on long lines full of dashes.
 */
export const SEARCH_LINE = /^((?:[A-Za-z]:)?[^\w.)\]:\n]*[\w.)\]][^:\n]*)[:-](\d+)[:-](?:(\d+):)?(.*)$/;
/** What `git grep PATTERN REV` puts before each path: the revision and a colon (`origin/main:`, `HEAD~2:`). */
const GIT_REVISION = /^[\w./@~^-]+:(?=[^\s:])/;

/**
 * A search result line (`path:line:text`, `path-line-context`), the path in group 1, also
 * when `git grep` on a revision puts `REV:` before the path.
 */
export function searchLine(line: string): RegExpExecArray | null {
  const direct = SEARCH_LINE.exec(line);
  if (direct) return direct;
  const revision = GIT_REVISION.exec(line)?.[0];
  const rest = revision ? SEARCH_LINE.exec(line.slice(revision.length)) : null;
  if (rest) rest[1] = revision + rest[1];
  return rest;
}
const SEARCH_HEADING_MATCH = /^(\d+)[:-](.*)$/;

/** A date (`2026-11-24 …`) starts a log line, not a match in file 2026-11-24 or on line 2026. */
const DATED = /^\d{4}-\d\d-\d\d/;

function isSearchOutput(lines: string[]): boolean {
  const pathLike = (path: string) => /[./\\]/.test(path) && !/\s{2,}/.test(path) && !/^\d+$/.test(path);
  const isGrepLine = (line: string) => {
    const m = searchLine(line);
    return m !== null && pathLike(m[1]) && !DATED.test(line) && !isClockTime(m);
  };
  if (passing(lines, 0.6, isGrepLine) >= 2) return true;
  const isHeadingMatch = (line: string) => SEARCH_HEADING_MATCH.test(line) && !DATED.test(line);
  const isHeading = (line: string) => !isHeadingMatch(line) && pathLike(line) && !/\s/.test(line.trim());
  // `--` parts the context groups of `grep -C`.
  if (passing(lines, 0.8, (line) => isHeadingMatch(line) || isHeading(line) || line === '--') === -1) return false;
  const numbers = lines.filter(isHeadingMatch).map((line) => Number(SEARCH_HEADING_MATCH.exec(line)![1]));
  if (numbers.length < 2) return false;
  if (lines.some(isHeading)) return true;
  // One file searched (`grep -n PATTERN FILE`, a search tool given a file): no heading, line
  // numbers that go up, and some of them matches (`12:`), not only context (`12-`).
  const ascending = numbers.filter((n, i) => i === 0 || n > numbers[i - 1]).length;
  return ascending >= numbers.length * 0.9 && lines.some((line) => /^\d+:/.test(line));
}

/** How many lines pass `test`, or -1 as soon as so many have failed that `share` of them cannot pass. */
function passing(lines: readonly string[], share: number, test: (line: string) => boolean): number {
  const allowedFailures = lines.length * (1 - share);
  let passed = 0;
  let failed = 0;
  for (const line of lines) {
    if (test(line)) passed++;
    else if (++failed > allowedFailures) return -1;
  }
  return passed;
}

/**
 * A log line's time read as `path:line:column`: "17/06/09 20:10:40" or "…_13:53:08" give a
 * "path" ending in the hour, then two-digit minutes and seconds.
 */
function isClockTime(m: RegExpExecArray): boolean {
  return /\D\d{1,2}$/.test(m[1]) && /^\d\d$/.test(m[2]) && /^\d\d(?:[.,]\d+)?(?:\D|$)/.test(m[3] ?? m[4]);
}

const TIMESTAMP =
  /\d{4}-\d\d-\d\d[ T]\d\d:\d\d|\b\d\d:\d\d:\d\d\b|^[A-Z][a-z]{2} {1,2}\d{1,2} \d\d:|^\d{10}(\.\d+)?\b|^\d{6} \d{6}\b/;
const LEVEL_WORD =
  /\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|FATAL|SEVERE|CRITICAL)\b|\[(error|warn|notice|info|debug)\]/;
const TEST_RESULT = /\b(PASSED|FAILED|PASS|FAIL|ok \d+|not ok \d+)\b/;

function isLogLike(line: string): boolean {
  return TIMESTAMP.test(line) || LEVEL_WORD.test(line) || TEST_RESULT.test(line);
}

const CODE_START =
  /^\s*(import|export|from|def|class|function|const|let|var|return|if|else|elif|for|while|switch|case|public|private|protected|static|async|await|package|fn|func|use|impl|struct|enum|interface|type|#include|#define|try|catch|except|finally|@\w+)\b/;

function isCodeLike(line: string): boolean {
  const trimmed = line.trim();
  return (
    CODE_START.test(line) ||
    /[{};]$|^[})\]]/.test(trimmed) ||
    /^\s*(\/\/|#|\/\*|\*)/.test(line) ||
    /\)\s*(=>|:)\s*\{?$/.test(trimmed)
  );
}

/** `cat -n` / editor read output, as Claude Code's Read tool returns files. */
function isNumberedSourceLine(line: string): boolean {
  return /^\s*\d+(\t|→)/.test(line);
}

const MARKDOWN_HEADING = /^#{1,6} \S/;
const MARKDOWN_ITEM = /^\s*([-*+]|\d+[.)]) \S/;

/**
 * Documentation in Markdown: headings and list items among sentences. Its `#` and `*` lines
 * also read as code comments, so code is told apart by its statements, which docs lack.
 */
function isMarkdown(lines: readonly string[], share: (test: (line: string) => boolean) => number): boolean {
  const headings = lines.filter((line) => MARKDOWN_HEADING.test(line)).length;
  if (headings === 0 || (headings < 2 && share((line) => MARKDOWN_ITEM.test(line)) < 0.1)) return false;
  if (share((line) => isCodeLike(line) && !/^\s*(#|\*|[-+] )/.test(line)) >= 0.15) return false;
  return share((line) => isProseLike(line) || MARKDOWN_HEADING.test(line) || MARKDOWN_ITEM.test(line)) >= 0.5;
}

function isProseLike(line: string): boolean {
  const words = line.trim().split(/\s+/);
  return words.length >= 6 && /[a-z]{3,}/i.test(line) && /[.,;:!?]/.test(line);
}
