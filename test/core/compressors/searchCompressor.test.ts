import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMarkerLine } from '../../../src/core/marker';
import { compressWithStore, retrieveAll } from '../../helpers/engine';

function grepOutput(): { text: string; needle: string } {
  const lines: string[] = [];
  for (let f = 0; f < 60; f++) {
    for (let m = 0; m < 12; m++)
      lines.push(
        `src/module${f}/file${f}.ts:${10 + m * 7}:  const value${m} = computeTotal(items, ${m}); // running total`,
      );
  }
  const needle = 'src/billing/invoice.ts:214:  throw new InvoiceRoundingError(total, currency);';
  lines.splice(400, 0, needle);
  return { text: lines.join('\n'), needle };
}

describe('search compressor', () => {
  it('keeps the match relevant to the question and a few per file, and counts the rest', async () => {
    const { text, needle } = grepOutput();
    const { result, store } = await compressWithStore(text, { query: 'why does invoice rounding fail?' });
    assert.equal(result.kind, 'search');
    assert.equal(result.compressed, true);
    assert.ok(result.text.includes(needle));
    assert.match(result.text, /\[headroom: 9 more matches in this file\]/);
    assert.match(result.text, /of 721 matches omitted \(61 files/);
    assert.ok(result.tokensAfter < result.tokensBefore * 0.5);
    const input = new Set(text.split('\n'));
    for (const line of result.text.split('\n'))
      assert.ok(isMarkerLine(line) || input.has(line), `not from the input: ${line}`);
    assert.equal(await retrieveAll(store, result.hash), text);
  });

  it('reads ripgrep heading output', async () => {
    const lines: string[] = [];
    for (let f = 0; f < 30; f++) {
      lines.push(`lib/part${f}.py`);
      for (let m = 0; m < 15; m++)
        lines.push(`${m * 3 + 1}:def handler_${m}(request): return respond(request, code=${m})`);
      lines.push('');
    }
    const { result } = await compressWithStore(lines.join('\n'));
    assert.equal(result.kind, 'search');
    assert.equal(result.compressed, true);
    assert.ok(result.text.includes('lib/part0.py'));
  });

  it("reads one file's matches, with no heading, and keeps the one the question names", async () => {
    const lines: string[] = [];
    for (let m = 0; m < 120; m++) {
      lines.push(`${m * 10 + 1}-  // step ${m}`);
      lines.push(`${m * 10 + 2}:  result${m} := run(ctx, "job-${m}")`);
      lines.push('--');
    }
    const { result, store } = await compressWithStore(lines.join('\n'), { query: 'what does job-77 do?' });
    assert.equal(result.kind, 'search');
    assert.equal(result.compressed, true);
    assert.ok(result.text.includes('"job-77"'), 'the match the question names stays');
    assert.ok(result.tokensAfter < result.tokensBefore / 2);
    assert.equal(await retrieveAll(store, result.hash), lines.join('\n'));
  });

  it('reads `git grep PATTERN REV` output, whose lines start with the revision, as search results', async () => {
    const lines: string[] = [];
    for (let f = 0; f < 30; f++)
      for (let m = 0; m < 8; m++)
        lines.push(
          `origin/eval-refactor:packages/core/src/part${f}.ts:${m * 7 + 3}:  const experiment${m} = load(${f});`,
        );
    const { result } = await compressWithStore(lines.join('\n'), { query: 'where is experiment5 loaded in part12?' });
    assert.equal(result.kind, 'search');
    assert.equal(result.compressed, true);
    assert.ok(
      result.text.includes('origin/eval-refactor:packages/core/src/part12.ts:38:'),
      'the match asked about stays, revision and all',
    );
  });

  it('keeps the definition of the name the question asks about, wherever its file ranks', async () => {
    const lines: string[] = [];
    for (let f = 0; f < 40; f++)
      for (let m = 0; m < 10; m++)
        lines.push(`src/caller${f}.ts:${10 + m}:  const total${m} = computeInvoiceTotal(items, ${m});`);
    const definition =
      'src/billing/math.ts:88:export function computeInvoiceTotal(items: Item[], round: number): Money {';
    lines.splice(333, 0, definition);
    const { result } = await compressWithStore(lines.join('\n'), { query: 'where is computeInvoiceTotal defined?' });
    assert.equal(result.kind, 'search');
    assert.ok(result.text.includes(definition));
    assert.ok(result.tokensAfter < result.tokensBefore * 0.5);
  });
});
