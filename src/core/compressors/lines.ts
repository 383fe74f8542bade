import { marker, repeatSuffix } from '../marker';

export type LineLevel = 'error' | 'warn' | 'normal';

/** Splits on LF or CRLF; compressed output is joined with LF. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const EXPLICIT_LEVEL =
  /\b(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|SEVERE|CRITICAL|CRIT|ALERT|EMERG|PANIC)\b|\[(error|warn|warning|notice|info|debug|crit|alert|emerg)\]/;
const ANDROID_LEVEL = /^\S+\s+\S+\s+\d+\s+\d+\s+([VDIWEF])\s/;
/** Words that mark a failure in free text: a log line, a JSON record's message. */
export const ERROR_WORDS =
  /\b(error|errors|exception|fatal|failed|failure|fail|panic|panicked|crash(ed)?|traceback|segfault|segmentation fault|denied|refused|timed? ?out|abort(ed)?|unreachable|cannot|could not|not found|undefined reference)\b/i;
const WARN_WORDS = /\b(warn|warning|deprecated)\b/i;

/** The line's severity: an explicit level field wins; without one, error and warning words decide. */
export function lineLevel(line: string): LineLevel {
  const head = line.length > 300 ? line.slice(0, 300) : line;
  const explicit = EXPLICIT_LEVEL.exec(head);
  if (explicit) {
    const level = (explicit[1] ?? explicit[2]).toUpperCase();
    if (level.startsWith('WARN')) return 'warn';
    return ['TRACE', 'DEBUG', 'INFO', 'NOTICE'].includes(level) ? 'normal' : 'error';
  }
  const android = ANDROID_LEVEL.exec(head);
  if (android) return android[1] === 'E' || android[1] === 'F' ? 'error' : android[1] === 'W' ? 'warn' : 'normal';
  if (ERROR_WORDS.test(line)) return 'error';
  return WARN_WORDS.test(line) ? 'warn' : 'normal';
}

const STACK_LINE =
  /^\s+at\s|^\s+File "|^Traceback \(most recent call last\)|^\s*Caused by:|^\s+\.\.\. \d+ (more|common frames omitted)|^goroutine \d+ \[|^\s+\d+: |^\s{2,}\S|^\t\S/;

export function isStackLine(line: string): boolean {
  return STACK_LINE.test(line);
}

/**
 * Writes kept lines in their original order, each gap of dropped lines as one marker line
 * and each line that stands for similar dropped lines with its ` [×N]` count.
 */
export function renderKeptLines(
  lines: readonly string[],
  kept: ReadonlySet<number>,
  counts: ReadonlyMap<number, number> = new Map(),
): string[] {
  const out: string[] = [];
  let gap = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!kept.has(i)) {
      gap++;
      continue;
    }
    if (gap > 0) out.push(marker(`${gap} ${gap === 1 ? 'line' : 'lines'} omitted`));
    gap = 0;
    out.push(lines[i] + repeatSuffix(counts.get(i) ?? 1));
  }
  if (gap > 0) out.push(marker(`${gap} ${gap === 1 ? 'line' : 'lines'} omitted`));
  return out;
}
