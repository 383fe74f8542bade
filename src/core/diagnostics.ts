/**
 * Build, lint and test output read as what it reports: each diagnostic (tsc, gcc/clang, rustc
 * and cargo, go vet, mypy, ruff, flake8, pylint, eslint) and each failing test (pytest, go
 * test, jest/vitest, mocha, node --test and TAP, cargo test) with the lines that belong to it,
 * and the passing tests, which a compressor may count instead of listing.
 */
export interface Finding {
  /** The finding's first line, and the last line of its block (snippet, stack, assertion). */
  line: number;
  end: number;
  severity: 'error' | 'warning' | 'failure';
  /** The error code or rule (`TS2322`, `E0308`, `no-unused-vars`), or the failing test's name. */
  code?: string;
  file?: string;
  /** The message with names, numbers and paths blanked out: findings that differ only there repeat one another. */
  template: string;
}

export interface Diagnostics {
  findings: Finding[];
  /** The tests that passed, and their lines (a TAP reporter's YAML block under each). */
  passing: { tests: number; lines: number[] };
}

// `src/a.ts(12,5): error TS2322: …` (tsc) and `src/a.ts:12:5 - error TS2322: …` (tsc --pretty).
const TSC = /^(\S.*?)(?:\((\d+),(\d+)\):|:(\d+):(\d+) -) (error|warning) (TS\d+): (.*)$/;
// `a.c:3:5: error: …` (gcc, clang, go vet), `a.py:12: error: … [arg-type]` (mypy),
// `a.py:1:1: E501 …` (ruff, flake8), `a.py:1:0: C0114: … (missing-module-docstring)` (pylint).
const LOCATED =
  /^(\S[^:\n]*?\.[\w]+):(\d+)(?::(\d+))?:? (?:(fatal error|error|warning)(?:\[([\w-]+)\])?: |([A-Z]{1,3}\d{2,4}):? )(.*)$/i;
// rustc and cargo: `error[E0308]: mismatched types`, its location on a `  --> file:line:col` line after.
const RUST = /^(error|warning)(?:\[(E\d{4})\])?: (.*)$/;
const RUST_LOCATION = /^\s*--> (\S+):(\d+):(\d+)/;
// biome: `src/a.ts:5:1 lint/style/useConst  FIXABLE  ━━━━`, the message under it.
const BIOME = /^\s*(?:at )?(\S+?\.\w+):(\d+):(\d+) ([\w/-]+)(?:\s+FIXABLE)?\s+━+$/;
// eslint's stylish format: the file alone on a line, then `  12:5  error  message  rule`.
const ESLINT = /^\s+(\d+):(\d+)\s+(error|warning)\s+(.*?)\s{2,}([@\w/-]+)$/;
const ESLINT_FILE = /^(\/|[A-Za-z]:\\|\.{0,2}\/?)[^\s:]+\.\w+$/;

const FAILED_TEST: Array<{ pattern: RegExp; name: number }> = [
  { pattern: /^FAILED (\S+?)(?: - (.*))?$/, name: 1 }, // pytest's short summary
  { pattern: /^_{3,} (\S.*?) _{3,}$/, name: 1 }, // pytest's failure section
  { pattern: /^\s*--- FAIL: (\S+)/, name: 1 }, // go test
  { pattern: /^\s*● (.+ › .+|[^\s].*)$/, name: 1 }, // jest
  { pattern: /^\s*(?:×|✗|✕) (.+? > .+?|.+?(?= \d+(?:\.\d+)? ?ms$))/, name: 1 }, // vitest, and spec reporters with timings
  { pattern: /^\s*not ok \d+ - (.+)$/, name: 1 }, // TAP, node --test
  { pattern: /^\s*\d+\) (.+)$/, name: 1 }, // mocha's failure list
  { pattern: /^---- (\S+) stdout ----$/, name: 1 }, // cargo test
  { pattern: /^test (\S+) \.\.\. FAILED$/, name: 1 }, // cargo test
];
const PASSED_TEST =
  /^\s*(?:ok \d+ - |✓ |✔ |√ |--- PASS: |PASS\s|PASSED\b|test \S+ \.\.\. ok$)|\bPASSED\b|^\S+::\S+ PASSED/;
/** A failure's block ends at the next finding, a blank line followed by an unindented line, or a runner's summary. */
const SUMMARY =
  /^(={3,}|-{3,}|Tests?:|Test Suites:|Ran \d+ tests?|FAIL\s*$|ok\s+\S+\s+[\d.]+s$|\d+ (passing|failing|pending)|# (tests|pass|fail) )/;

const MIN_FINDINGS = 3;

export function readDiagnostics(lines: readonly string[]): Diagnostics | undefined {
  const findings: Finding[] = [];
  const passing = { tests: 0, lines: [] as number[] };
  let eslintFile: string | undefined;
  let failures = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const found = finding(line, lines.slice(i + 1, i + 3), eslintFile);
    if (found) {
      if (found.severity === 'failure') failures++;
      findings.push({ ...found, line: i, end: i });
      continue;
    }
    if (PASSED_TEST.test(line)) {
      passing.tests++;
      passing.lines.push(i);
      while (i + 1 < lines.length && /^\s+\S/.test(lines[i + 1]) && !PASSED_TEST.test(lines[i + 1]))
        passing.lines.push(++i);
      continue;
    }
    if (ESLINT_FILE.test(line.trim()) && !/\s/.test(line.trim())) eslintFile = line.trim();
  }
  if (findings.length < MIN_FINDINGS && !(failures > 0 && passing.tests + failures >= MIN_FINDINGS)) return undefined;
  // Most lines of a real report are findings, their snippets and the runner's frame; prose that
  // happens to hold a few `x:1: error:` lines is not a report.
  const located = new Set(findings.map((f) => f.line));
  for (let k = 0; k < findings.length; k++)
    findings[k].end = blockEnd(lines, findings[k], findings[k + 1]?.line ?? lines.length, located);
  const covered = findings.reduce((sum, f) => sum + f.end - f.line + 1, 0) + passing.lines.length;
  if (covered < lines.filter((l) => l.trim()).length * 0.3) return undefined;
  return { findings, passing };
}

function finding(
  line: string,
  next: readonly string[],
  eslintFile: string | undefined,
): Omit<Finding, 'line' | 'end'> | undefined {
  const tsc = TSC.exec(line);
  if (tsc) return { severity: tsc[6] as 'error' | 'warning', code: tsc[7], file: tsc[1], template: template(tsc[8]) };
  const located = LOCATED.exec(line);
  if (located && !/^\d{4}-\d\d-\d\d/.test(line)) {
    const level = (located[4] ?? '').toLowerCase();
    const rule = located[5] ?? located[6] ?? /\[([\w-]+)\]$|\(([\w-]+)\)$/.exec(located[7])?.slice(1).find(Boolean);
    return {
      severity: level === 'warning' ? 'warning' : 'error',
      code: rule,
      file: located[1],
      template: template(located[7]),
    };
  }
  const biome = BIOME.exec(line);
  if (biome) return { severity: 'error', code: biome[4], file: biome[1], template: biome[4] };
  // `error: …` alone is what many programs log; rustc's names its location on the next lines.
  const rust = RUST.exec(line);
  const location = rust && next.map((l) => RUST_LOCATION.exec(l)).find(Boolean);
  if (rust && location)
    return { severity: rust[1] as 'error' | 'warning', code: rust[2], file: location[1], template: template(rust[3]) };
  const eslint = eslintFile ? ESLINT.exec(line) : null;
  if (eslint)
    return {
      severity: eslint[3] as 'error' | 'warning',
      code: eslint[5],
      file: eslintFile,
      template: template(eslint[4]),
    };
  for (const { pattern, name } of FAILED_TEST) {
    const failed = pattern.exec(line);
    if (failed) return { severity: 'failure', code: failed[name], template: failed[name] };
  }
  return undefined;
}

/**
 * A finding's lines: up to the next finding or a runner's summary; a compiler's message also
 * ends at a blank line before an unindented one, a failing test's report runs on past them.
 */
function blockEnd(
  lines: readonly string[],
  finding: Omit<Finding, 'end'>,
  next: number,
  findings: ReadonlySet<number>,
): number {
  let end = finding.line;
  for (let i = finding.line + 1; i < next; i++) {
    const line = lines[i];
    if (findings.has(i) || SUMMARY.test(line) || PASSED_TEST.test(line)) break;
    if (!line.trim()) {
      if (finding.severity === 'failure') continue;
      const following = lines[i + 1] ?? '';
      if (!/^\s/.test(following)) break;
      continue;
    }
    end = i;
  }
  return end;
}

/** The message with what varies between repeats of one error blanked: quoted names, numbers, paths. */
function template(message: string): string {
  return message
    .replace(/(['"`‘“])[^'"`’”]*(['"`’”])/g, '$1…$2')
    .replace(/\b\d+(\.\d+)?\b/g, 'N')
    .replace(/(\S+\/)+\S+/g, 'PATH')
    .trim();
}
