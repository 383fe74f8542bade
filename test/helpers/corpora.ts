import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The shared real-world corpora beside the repository (see ../shared/README.md). */
export const CORPORA = join(__dirname, '..', '..', '..', '..', 'shared', 'corpora');

export function corpusFile(...parts: string[]): string {
  return readFileSync(join(CORPORA, ...parts), 'utf8');
}

export interface LabelledLog {
  /** The log as the engine sees it: BGL's label column stripped. */
  text: string;
  lines: string[];
  /** Per line: '-' for a normal line, otherwise the alert category. */
  labels: string[];
}

export function bglLog(): LabelledLog {
  const raw = corpusFile('logs', 'BGL_2k.log').split(/\r?\n/).filter((line) => line.length > 0);
  const labels = raw.map((line) => line.slice(0, line.indexOf(' ')));
  const lines = raw.map((line) => line.slice(line.indexOf(' ') + 1));
  return { text: lines.join('\n'), lines, labels };
}

/** loghub's mined templates for a log, as regular expressions over a line's message. */
export function logTemplates(name: string): Array<{ id: string; template: string; pattern: RegExp; literal: number }> {
  const csv = corpusFile('logs', `${name}_templates.csv`).split(/\r?\n/).slice(1).filter(Boolean);
  return csv.map((row) => {
    const comma = row.indexOf(',');
    let template = row.slice(comma + 1);
    if (template.startsWith('"') && template.endsWith('"')) template = template.slice(1, -1).replace(/""/g, '"');
    const source = template.split('<*>').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*?');
    return { id: row.slice(0, comma), template, pattern: new RegExp(`${source}$`), literal: template.replace(/<\*>/g, '').length };
  });
}

/** The most specific template that matches the line, as loghub assigns them. */
export function templateOf(line: string, templates: ReturnType<typeof logTemplates>): string | undefined {
  let best: ReturnType<typeof logTemplates>[number] | undefined;
  for (const t of templates) if (t.pattern.test(line) && (!best || t.literal > best.literal)) best = t;
  return best?.id;
}
