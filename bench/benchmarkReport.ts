import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../src/store/atomicWrite';
import { REPO_ROOT } from '../test/helpers/corpora';

const DOC = join(REPO_ROOT, 'docs', 'benchmarks.md');
const HEADER = `# Benchmarks

Each section is written by the benchmark named in it, on the machine it last ran on (stated),
replacing that section only. Do not edit by hand: run the benchmark again.
`;

/**
 * A benchmark's printed figures: each line goes to stdout as it comes, and `publish` writes the
 * whole as the benchmark's own section of docs/benchmarks.md, so the figures in the docs are
 * always those a run printed.
 */
export class BenchmarkReport {
  private readonly lines: string[] = [];

  constructor(
    private readonly command: string,
    private readonly title: string,
  ) {}

  line(text = ''): void {
    console.log(text);
    this.lines.push(text);
  }

  publish(): void {
    const machine = `Node ${process.versions.node}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${new Date().toISOString().slice(0, 10)}`;
    const start = `<!-- ${this.command} -->`;
    const end = `<!-- /${this.command} -->`;
    const section = `${start}\n## ${this.title} (\`${this.command}\`)\n\n_${machine}_\n\n${this.lines.join('\n').trim()}\n${end}`;
    const current = existsSync(DOC) ? readFileSync(DOC, 'utf8') : HEADER;
    const at = current.indexOf(start);
    const after = current.indexOf(end);
    const next =
      at >= 0 && after > at
        ? current.slice(0, at) + section + current.slice(after + end.length)
        : `${current.trimEnd()}\n\n${section}\n`;
    writeFileAtomicSync(DOC, next);
    console.error(`Written to ${DOC}.`);
  }
}
