import { codeSpans } from './refine';

export const LEARN_START = '<!-- headroom:learn:start -->';
export const LEARN_END = '<!-- headroom:learn:end -->';
const HEADING = '## Learned from earlier agent sessions (headroom learn)';

export interface MergedFile {
  text: string;
  /** Set when the file held a damaged marker pair, which was repaired. */
  repaired?: string;
}

/**
 * The file with Headroom's block holding `lines`: the lines already in the block stay in their
 * order, new ones (not already there in other words) follow. Everything outside the markers is kept byte for byte. Without a
 * block, one is appended; a damaged pair (one marker alone, the end before the start, more
 * than one of either) loses only its marker lines and a fresh block is appended, so no text
 * the user wrote is ever dropped.
 */
export function mergeLearnBlock(existing: string | undefined, lines: readonly string[]): MergedFile {
  const text = existing ?? '';
  const starts = markerLines(text, LEARN_START);
  const ends = markerLines(text, LEARN_END);
  if (starts.length === 1 && ends.length === 1 && starts[0].end <= ends[0].start) {
    const earlier = bullets(text.slice(starts[0].end, ends[0].start));
    return { text: text.slice(0, starts[0].start) + render(earlier, lines) + text.slice(ends[0].end) };
  }
  if (starts.length === 0 && ends.length === 0) return { text: appended(text, render([], lines)) };
  const stray = [...starts, ...ends].sort((a, b) => b.start - a.start);
  let cleaned = text;
  for (const marker of stray) cleaned = cleaned.slice(0, marker.start) + cleaned.slice(marker.lineEnd);
  return {
    text: appended(cleaned, render([], lines)),
    repaired: `found ${starts.length} start and ${ends.length} end marker(s) out of order; removed them and wrote a fresh block`,
  };
}

function render(earlier: readonly string[], lines: readonly string[]): string {
  const fresh = lines.map(escapeMarkers);
  const merged = [...earlier, ...fresh.filter((line) => !earlier.some((old) => sameCorrection(old, line)))];
  return [LEARN_START, HEADING, '', ...merged.map(bullet), LEARN_END].join('\n');
}

/** A correction as a Markdown list item; a multi-line one (a command over several lines) continues indented. */
const bullet = (line: string) => `- ${line.replace(/\r?\n/g, '\n  ')}`;

/** The corrections in a block as {@link bullet} wrote them, continuation lines joined back. */
function bullets(block: string): string[] {
  const found: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('- ')) found.push(line.slice(2));
    else if (line.startsWith('  ') && found.length > 0) found[found.length - 1] += `\n${line.slice(2)}`;
  }
  return found;
}

/** Marker text inside a correction (a command that greps for it) would end the block early: it is written as an entity. */
const escapeMarkers = (line: string) => line.replace(/<!--(\s*headroom:learn:)/g, '&lt;!--$1');

/**
 * The same line, or the same facts: two lines naming the same commands and paths are one
 * correction, however they are worded (a reworded line from an earlier run stays, once).
 */
function sameCorrection(a: string, b: string): boolean {
  if (a === b) return true;
  const spans = (line: string) => codeSpans(line).sort().join('\n');
  return codeSpans(a).length > 0 && spans(a) === spans(b);
}

function appended(text: string, block: string): string {
  const base = text.replace(/\s+$/, '');
  return base ? `${base}\n\n${block}\n` : `${block}\n`;
}

/** Where each occurrence of `marker` is: its own span, and the end of its line (newline included). */
function markerLines(text: string, marker: string): Array<{ start: number; end: number; lineEnd: number }> {
  const found: Array<{ start: number; end: number; lineEnd: number }> = [];
  for (let at = text.indexOf(marker); at !== -1; at = text.indexOf(marker, at + marker.length)) {
    const newline = text.indexOf('\n', at);
    found.push({ start: at, end: at + marker.length, lineEnd: newline === -1 ? text.length : newline + 1 });
  }
  return found;
}
