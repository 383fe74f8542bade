import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository's root, from the compiled file's place in out/. */
export const REPO_ROOT = join(__dirname, '..', '..', '..');

export interface LabelledLog {
  /** The log as the engine sees it: BGL's label column stripped. */
  text: string;
  lines: string[];
  /** Per line: '-' for a normal line, otherwise the alert category. */
  labels: string[];
}

export interface LogTemplate {
  id: string;
  template: string;
  pattern: RegExp;
  literal: number;
}

/** Readers over a folder laid out like `test/fixtures/corpora` (and `../shared/corpora`). */
export interface Corpora {
  root: string;
  file(...parts: string[]): string;
  /** loghub BGL with its label column split off. */
  bglLog(): LabelledLog;
  /** loghub's mined templates for a log, as regular expressions over a line's message. */
  logTemplates(name: string): LogTemplate[];
}

export function corporaAt(root: string): Corpora {
  const file = (...parts: string[]) => readFileSync(join(root, ...parts), 'utf8');
  return {
    root,
    file,
    bglLog() {
      const raw = file('logs', 'BGL_2k.log')
        .split(/\r?\n/)
        .filter((line) => line.length > 0);
      const labels = raw.map((line) => line.slice(0, line.indexOf(' ')));
      const lines = raw.map((line) => line.slice(line.indexOf(' ') + 1));
      return { text: lines.join('\n'), lines, labels };
    },
    logTemplates(name) {
      const csv = file('logs', `${name}_templates.csv`).split(/\r?\n/).slice(1).filter(Boolean);
      return csv.map((row) => {
        const comma = row.indexOf(',');
        let template = row.slice(comma + 1);
        if (template.startsWith('"') && template.endsWith('"')) template = template.slice(1, -1).replace(/""/g, '"');
        const source = template
          .split('<*>')
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*?');
        return {
          id: row.slice(0, comma),
          template,
          pattern: new RegExp(`${source}$`),
          literal: template.replace(/<\*>/g, '').length,
        };
      });
    },
  };
}

/** The small real corpora vendored for the tests (see test/fixtures/corpora/README.md). */
export const fixtures = corporaAt(join(REPO_ROOT, 'test', 'fixtures', 'corpora'));
export const CORPORA = fixtures.root;
export const corpusFile = fixtures.file;
export const bglLog = fixtures.bglLog;
export const logTemplates = fixtures.logTemplates;

/** The most specific template that matches the line, as loghub assigns them. */
export function templateOf(line: string, templates: readonly LogTemplate[]): string | undefined {
  let best: LogTemplate | undefined;
  for (const t of templates) if (t.pattern.test(line) && (!best || t.literal > best.literal)) best = t;
  return best?.id;
}
