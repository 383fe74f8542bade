import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compressWithStore, retrieveAll } from '../../helpers/engine';

function fileDiff(path: string, context: number, change: string[]): string[] {
  const before = Array.from({ length: context }, (_, i) => ` unchanged line ${i} of ${path}`);
  const after = Array.from({ length: context }, (_, i) => ` trailing line ${i} of ${path}`);
  return [
    `diff --git a/${path} b/${path}`,
    'index 1a2b3c4..5d6e7f8 100644',
    `--- a/${path}`,
    `+++ b/${path}`,
    `@@ -1,${context * 2 + 1} +1,${context * 2 + 1} @@`,
    ...before,
    ...change,
    ...after,
  ];
}

describe('diff compressor', () => {
  it('keeps headers and every changed line, trims long context', async () => {
    const lines = [
      ...fileDiff('src/app.ts', 40, ['-const retries = 3;', '+const retries = 5;']),
      ...fileDiff('src/util.ts', 40, ['+export function clamp(x: number) {', '+  return Math.max(0, x);', '+}']),
    ];
    const { result } = await compressWithStore(lines.join('\n'));
    assert.equal(result.kind, 'diff');
    assert.equal(result.compressed, true);
    for (const line of lines.filter((l) => /^(diff |index |--- |\+\+\+ |@@|[+-])/.test(l)))
      assert.ok(result.text.includes(line), `missing: ${line}`);
    assert.match(result.text, /\[headroom: 38 unchanged lines\]/);
    assert.ok(result.text.includes(' unchanged line 39 of src/app.ts'), 'context next to the change stays');
  });

  it('a long diff: every file and hunk header stays, each hunk shows its start, the file the question is about stays whole', async () => {
    const lines: string[] = [];
    for (let f = 0; f < 12; f++) {
      const change = Array.from({ length: 50 }, (_, i) => `+  const field${i} = read${f}(row, ${i}); // new mapping`);
      lines.push(...fileDiff(`src/mapper${f}.ts`, 3, change));
    }
    lines.push(
      ...fileDiff('src/billing/invoice.ts', 3, [
        '-  return round(total);',
        '+  return roundHalfEven(total, currency);',
        ...Array.from({ length: 30 }, (_, i) => `+  // invoice rounding note ${i}`),
      ]),
    );
    const text = lines.join('\n');
    const { result, store } = await compressWithStore(text, { query: 'why does invoice rounding use half-even?' });
    assert.equal(result.kind, 'diff');
    for (const line of lines.filter((l) => /^(diff |--- |\+\+\+ |@@)/.test(l)))
      assert.ok(result.text.includes(line), `missing: ${line}`);
    assert.match(result.text, /\[headroom: \d+ more lines of this hunk \(\+\d+ −0\) · retrieve hash=/);
    for (let i = 0; i < 30; i++)
      assert.ok(result.text.includes(`+  // invoice rounding note ${i}`), 'the relevant file is whole');
    assert.ok(result.tokensAfter < result.tokensBefore * 0.4, `${result.tokensAfter} of ${result.tokensBefore}`);
    assert.equal(await retrieveAll(store, result.hash), text);
  });

  it('summarises a lockfile diff instead of showing it', async () => {
    const lock = Array.from(
      { length: 400 },
      (_, i) => `+    "node_modules/pkg-${i}": { "version": "1.0.${i}", "integrity": "sha512-${'x'.repeat(40)}" },`,
    );
    const lines = [...fileDiff('src/index.ts', 3, ['-old', '+new']), ...fileDiff('package-lock.json', 3, lock)];
    const { result } = await compressWithStore(lines.join('\n'));
    assert.match(result.text, /\[headroom: generated file: \+400 −0 lines not shown\]/);
    assert.ok(result.text.includes('+++ b/package-lock.json'));
    assert.ok(result.text.includes('+new'));
  });
});
