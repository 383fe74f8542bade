import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectKind } from '../../../src/core/detect';
import { isMarkerLine } from '../../../src/core/marker';
import { compressWithStore, retrieveAll } from '../../helpers/engine';

function keptLinesAreOriginal(input: string, output: string): void {
  const original = new Set(input.split('\n'));
  for (const line of output.split('\n'))
    assert.ok(isMarkerLine(line) || original.has(line), `not from the input: ${JSON.stringify(line)}`);
}

/** 366 tsc errors: a few distinct ones, and one repeated all over. */
function tscOutput(): string {
  const lines: string[] = [];
  for (let i = 0; i < 360; i++)
    lines.push(`src/module${i % 40}/file${i % 7}.ts(${10 + i},5): error TS2304: Cannot find name 'helper${i % 3}'.`);
  lines.splice(120, 0, "src/billing/invoice.ts(214,9): error TS2322: Type 'string' is not assignable to type 'Money'.");
  lines.splice(
    200,
    0,
    "src/api/routes.ts(12,1): error TS2307: Cannot find module './handlers' or its corresponding type declarations.",
  );
  lines.push('', 'Found 362 errors in 41 files.');
  return lines.join('\n');
}

describe('diagnostics compressor (build, lint and test output)', () => {
  it('tsc: every distinct error kept with its location, repeats counted with their files, the summary kept', async () => {
    const text = tscOutput();
    assert.equal(detectKind(text).kind, 'diagnostics');
    const { result, store } = await compressWithStore(text);
    assert.equal(result.kind, 'diagnostics');
    assert.ok(
      result.text.includes(
        "src/billing/invoice.ts(214,9): error TS2322: Type 'string' is not assignable to type 'Money'.",
      ),
    );
    assert.ok(result.text.includes('src/api/routes.ts(12,1): error TS2307'));
    assert.match(
      result.text,
      /\[headroom: 357 more like this in src\/module\d+\/file\d\.ts ×\d+, .* and \d+ more files · retrieve hash=/,
    );
    assert.ok(result.text.endsWith('Found 362 errors in 41 files.'));
    assert.ok(result.tokensAfter < result.tokensBefore * 0.1, `${result.tokensAfter} of ${result.tokensBefore}`);
    keptLinesAreOriginal(text, result.text);
    assert.equal(await retrieveAll(store, result.hash), text);
  });

  it('gcc and clang with lowercase error: and warning: lines, their snippets and carets', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 40; i++)
      lines.push(
        `src/net${i % 5}.c:${20 + i}:7: warning: unused variable 'tmp${i}' [-Wunused-variable]`,
        `   ${20 + i} |   int tmp${i};`,
        '      |       ^~~~',
      );
    lines.push(
      "src/main.c:88:3: error: implicit declaration of function 'connect_all' [-Werror=implicit-function-declaration]",
      '   88 |   connect_all(pool);',
      '      |   ^~~~~~~~~~~',
    );
    lines.push('cc1: all warnings being treated as errors', 'make: *** [Makefile:12: src/main.o] Error 1');
    const text = lines.join('\n');
    assert.equal(detectKind(text).kind, 'diagnostics');
    const { result } = await compressWithStore(text);
    assert.ok(
      result.text.includes(
        "src/main.c:88:3: error: implicit declaration of function 'connect_all' [-Werror=implicit-function-declaration]\n   88 |   connect_all(pool);",
      ),
    );
    assert.ok(
      result.text.includes("src/net0.c:20:7: warning: unused variable 'tmp0' [-Wunused-variable]\n   20 |   int tmp0;"),
    );
    assert.match(result.text, /\[headroom: 37 more like this in src\/net/);
    assert.ok(result.text.includes('make: *** [Makefile:12: src/main.o] Error 1'));
    keptLinesAreOriginal(text, result.text);
  });

  it('eslint: rules grouped, the file each finding is in named', async () => {
    const lines: string[] = [];
    for (let f = 0; f < 12; f++) {
      lines.push(`/repo/src/part${f}.ts`);
      for (let k = 0; k < 6; k++)
        lines.push(
          `  ${k + 3}:10  error  'value${k}' is assigned a value but never used  @typescript-eslint/no-unused-vars`,
        );
      lines.push(`  40:1   warning  Unexpected console statement  no-console`, '');
    }
    lines.push('✖ 84 problems (72 errors, 12 warnings)');
    const text = lines.join('\n');
    const { result } = await compressWithStore(text);
    assert.equal(result.kind, 'diagnostics');
    assert.match(result.text, /\[headroom: 69 more like this in \/repo\/src\/part\d+\.ts ×6/);
    assert.ok(result.text.includes('  40:1   warning  Unexpected console statement  no-console'));
    assert.ok(result.text.endsWith('✖ 84 problems (72 errors, 12 warnings)'));
  });

  it('pytest: each failing test kept with its assertion and location, passing tests counted', async () => {
    const lines = [
      '============================= test session starts ==============================',
      'collected 203 items',
      '',
    ];
    for (let i = 0; i < 200; i++) lines.push(`tests/test_api.py::test_case_${i} PASSED`);
    lines.push('=================================== FAILURES ===================================');
    for (const name of ['test_refund_rounding', 'test_currency_mismatch', 'test_empty_cart']) {
      lines.push(
        `_________________________________ ${name} _________________________________`,
        '',
        `    def ${name}():`,
        '>       assert total(cart) == Decimal("10.00")',
        `E       AssertionError: assert Decimal('9.99') == Decimal('10.00')`,
        '',
        `tests/test_billing.py:${name.length * 3}: AssertionError`,
      );
    }
    lines.push('=========================== short test summary info ============================');
    for (const name of ['test_refund_rounding', 'test_currency_mismatch', 'test_empty_cart'])
      lines.push(`FAILED tests/test_billing.py::${name} - AssertionError: assert Decimal('9.99') == Decimal('10.00')`);
    lines.push('======================== 3 failed, 200 passed in 4.12s =========================');
    const text = lines.join('\n');
    assert.equal(detectKind(text).kind, 'diagnostics');
    const { result } = await compressWithStore(text);
    for (const name of ['test_refund_rounding', 'test_currency_mismatch', 'test_empty_cart']) {
      assert.ok(result.text.includes(`_________________________________ ${name} _________________________________`));
      assert.ok(result.text.includes(`tests/test_billing.py:${name.length * 3}: AssertionError`), name);
      assert.ok(result.text.includes(`FAILED tests/test_billing.py::${name} - AssertionError`), name);
    }
    assert.match(result.text, /\[headroom: 200 passing tests\]/);
    assert.ok(result.text.endsWith('======================== 3 failed, 200 passed in 4.12s ========================='));
    assert.ok(result.tokensAfter < result.tokensBefore * 0.4);
    keptLinesAreOriginal(text, result.text);
  });

  it('go test and node --test: failures one by one, not merged into a count', async () => {
    const go = ['=== RUN   TestParse'];
    for (let i = 0; i < 60; i++) go.push(`--- PASS: TestCase${i} (0.00s)`);
    go.push(
      '--- FAIL: TestRetryBudget (0.02s)',
      '    retry_test.go:41: budget = 3, want 5',
      '--- FAIL: TestBackoffJitter (0.01s)',
      '    backoff_test.go:88: jitter 0s is outside [10ms, 50ms]',
      'FAIL',
      'FAIL\texample.com/retry\t0.412s',
    );
    const { result: goResult } = await compressWithStore(go.join('\n'));
    assert.equal(goResult.kind, 'diagnostics');
    assert.ok(goResult.text.includes('--- FAIL: TestRetryBudget (0.02s)\n    retry_test.go:41: budget = 3, want 5'));
    assert.ok(
      goResult.text.includes(
        '--- FAIL: TestBackoffJitter (0.01s)\n    backoff_test.go:88: jitter 0s is outside [10ms, 50ms]',
      ),
    );
    assert.match(goResult.text, /\[headroom: 60 passing tests\]/);

    const tap = ['TAP version 13'];
    for (let i = 0; i < 50; i++) tap.push(`ok ${i + 1} - parses case ${i}`, '  ---', '  duration_ms: 0.3', '  ...');
    tap.push(
      'not ok 51 - rejects a truncated body',
      '  ---',
      '  duration_ms: 1.2',
      "  error: 'Expected values to be strictly equal'",
      '  location: /repo/test/body.test.js:33:5',
      '  ...',
    );
    tap.push('# tests 51', '# pass 50', '# fail 1');
    const { result: tapResult } = await compressWithStore(tap.join('\n'));
    assert.ok(
      tapResult.text.includes(
        "not ok 51 - rejects a truncated body\n  ---\n  duration_ms: 1.2\n  error: 'Expected values to be strictly equal'\n  location: /repo/test/body.test.js:33:5",
      ),
    );
    assert.ok(tapResult.text.endsWith('# tests 51\n# pass 50\n# fail 1'));
  });

  it('cargo: the error code and the location rustc prints under it', async () => {
    const lines = ['   Compiling app v0.1.0 (/repo)'];
    for (let i = 0; i < 12; i++)
      lines.push(
        'error[E0308]: mismatched types',
        `  --> src/lib.rs:${10 + i}:5`,
        '   |',
        `${10 + i} |     count`,
        '   |     ^^^^^ expected `u64`, found `usize`',
        '',
      );
    lines.push(
      'error[E0425]: cannot find value `limit` in this scope',
      '  --> src/main.rs:7:13',
      '   |',
      '7  |     let x = limit;',
      '   |             ^^^^^ not found in this scope',
      '',
    );
    lines.push('error: could not compile `app` (lib) due to 13 previous errors');
    const { result } = await compressWithStore(lines.join('\n'));
    assert.equal(result.kind, 'diagnostics');
    assert.ok(result.text.includes('error[E0425]: cannot find value `limit` in this scope\n  --> src/main.rs:7:13'));
    assert.match(result.text, /\[headroom: 9 more like this in src\/lib\.rs ×9/);
    assert.ok(result.text.includes('error: could not compile `app` (lib) due to 13 previous errors'));
  });

  it('a program that logs "error:" lines is a log, not a compiler report', () => {
    const log = Array.from({ length: 40 }, (_, i) =>
      i % 4 === 0 ? `error: Item ${i} failed` : `[worker] processed batch ${i} in ${i * 3} ms`,
    ).join('\n');
    assert.notEqual(detectKind(log).kind, 'diagnostics');
  });
});
