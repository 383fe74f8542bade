import { HASH_LENGTH } from './hash';

/**
 * The one marker grammar of compressed output:
 *
 *   [headroom: DESCRIPTION]                        a note, e.g. a gap in a log
 *   [headroom: DESCRIPTION · retrieve hash=HEX]   the original behind it can be retrieved
 *
 * and, at the end of a kept log or search line, ` [×N]`: the line stands for N similar lines.
 */
export const MARKER_PREFIX = '[headroom: ';
const RETRIEVE_SEPARATOR = ' · retrieve hash=';

export function marker(description: string, hash?: string): string {
  const clean = description.replace(/[[\]\n\r]/g, ' ');
  return hash ? `${MARKER_PREFIX}${clean}${RETRIEVE_SEPARATOR}${hash}]` : `${MARKER_PREFIX}${clean}]`;
}

export function repeatSuffix(count: number): string {
  return count > 1 ? ` [×${count}]` : '';
}

const MARKER_PATTERN = new RegExp(`\\[headroom: [^\\]\\n]*? · retrieve hash=([0-9a-f]{${HASH_LENGTH},64})\\]`, 'g');

/** Every hash named by a retrievable marker in `text`, in order of appearance, without repeats. */
export function markerHashes(text: string): string[] {
  const hashes = new Set<string>();
  for (const match of text.matchAll(MARKER_PATTERN)) hashes.add(match[1]);
  return [...hashes];
}

/** A line that is a marker, indented or not (code keeps a body's marker at the body's indentation). */
export function isMarkerLine(line: string): boolean {
  const text = line.trimStart();
  return text.startsWith(MARKER_PREFIX) && text.endsWith(']');
}

const REPEAT_SUFFIX_PATTERN = / \[×(\d+)\]$/;

/** Splits a kept line into the original line and the count of lines it stands for. */
export function parseKeptLine(line: string): { line: string; count: number } {
  const match = REPEAT_SUFFIX_PATTERN.exec(line);
  if (!match) return { line, count: 1 };
  return { line: line.slice(0, match.index), count: Number(match[1]) };
}
