import { marker } from '../marker';
import type { CompressorContext, CompressorResult } from './compressor';
import { lineLevel, splitLines } from './lines';

/** Lines kept at each end of an output that lies turns back. */
const HEAD_LINES = 6;
const TAIL_LINES = 3;
/** A shorter gap is kept as it is: a marker would cost about as much. */
const MIN_GAP_LINES = 4;
/** Error and warning lines kept, the first ones: documentation full of "warning" is no log. */
const MAX_SEVERE_LINES = 12;
const IDENTIFIER = /[A-Za-z_$][\w$]{3,}/g;

/**
 * An output the conversation has moved past, for the record: its first and last lines, its
 * first errors and warnings, and, for each thing the model went on to use (a path, a function,
 * a test), the first line that names it, so everything the conversation used later is still
 * in sight; the rest behind markers that retrieve the original. Applied in history only, after
 * the output's own compressor, when that one kept most of it.
 */
export function historyDigest(input: string, context: CompressorContext): CompressorResult | undefined {
  const lines = splitLines(input);
  if (lines.length < HEAD_LINES + TAIL_LINES + MIN_GAP_LINES) return undefined;
  const keep = new Uint8Array(lines.length);
  let severe = 0;
  for (let i = 0; i < lines.length; i++) {
    if (i < HEAD_LINES || i >= lines.length - TAIL_LINES) keep[i] = 1;
    else if (severe < MAX_SEVERE_LINES && lineLevel(lines[i]) !== 'normal') {
      keep[i] = 1;
      severe++;
    }
  }
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++)
    if (keep[i]) for (const [word] of lines[i].matchAll(IDENTIFIER)) seen.add(word);
  for (let i = 0; i < lines.length; i++) {
    if (i % 4096 === 0) context.checkDeadline();
    if (!keep[i] && namesSomethingNew(lines[i], context, seen)) keep[i] = 1;
  }
  const out: string[] = [];
  let i = 0;
  let dropped = 0;
  while (i < lines.length) {
    if (keep[i]) {
      out.push(lines[i++]);
      continue;
    }
    let end = i;
    while (end < lines.length && !keep[end]) end++;
    if (end - i < MIN_GAP_LINES) {
      out.push(...lines.slice(i, end));
    } else {
      out.push(marker(`lines ${i + 1}–${end}, ${end - i} lines`));
      dropped += end - i;
    }
    i = end;
  }
  if (dropped === 0) return undefined;
  out.push(
    marker(
      `${dropped} of ${lines.length} lines left out: this output lies turns back; kept its ends, its errors and the lines naming what the conversation used later`,
      context.inputHash,
    ),
  );
  return { text: out.join('\n'), transforms: ['history:digest'] };
}

/** Whether the line names something the model used later that no kept line shows yet; its words then count as shown. */
function namesSomethingNew(line: string, context: CompressorContext, seen: Set<string>): boolean {
  const focus = context.focus;
  if (!focus) return false;
  const words = [...line.matchAll(IDENTIFIER)].map((m) => m[0]);
  if (!words.some((word) => !seen.has(word) && focus.has(word))) return false;
  for (const word of words) seen.add(word);
  return true;
}
