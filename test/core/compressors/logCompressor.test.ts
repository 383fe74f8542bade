import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isMarkerLine, markerHashes, parseKeptLine } from '../../../src/core/marker';
import { bglLog, CORPORA, corpusFile, logTemplates, templateOf } from '../../helpers/corpora';
import { compressWithStore, retrieveAll } from '../../helpers/engine';

describe('log compressor on loghub BGL (labels stripped)', () => {
  it('keeps every alert template with its exact count', async () => {
    const log = bglLog();
    const templates = logTemplates('BGL_2k.log');
    const { result } = await compressWithStore(log.text);
    assert.equal(result.kind, 'log');
    assert.equal(result.compressed, true);
    assert.ok(
      !result.text.includes('KERNDTLB') && !result.text.includes('APPSEV'),
      'the label column must not reach the engine',
    );

    const kept = result.text
      .split('\n')
      .filter((line) => !isMarkerLine(line))
      .map(parseKeptLine);
    const inputCount = new Map<string, number>();
    for (const line of log.lines) {
      const t = templateOf(line, templates) ?? '?';
      inputCount.set(t, (inputCount.get(t) ?? 0) + 1);
    }
    const alertTemplates = new Set(
      log.lines.flatMap((line, i) => (log.labels[i] === '-' ? [] : [templateOf(line, templates)])),
    );
    assert.ok(alertTemplates.size >= 10, `expected the BGL sample's alert templates, found ${alertTemplates.size}`);
    for (const template of alertTemplates) {
      const counts = kept.filter((k) => templateOf(k.line, templates) === template).map((k) => k.count);
      assert.ok(counts.length > 0, `alert template ${template} missing from the output`);
      assert.equal(Math.max(...counts), inputCount.get(template ?? '?'), `count of alert template ${template}`);
    }
  });

  it('reduces tokens by at least 80% and every dropped line is retrievable', async () => {
    const log = bglLog();
    const { result, store } = await compressWithStore(log.text);
    assert.ok(result.tokensAfter <= result.tokensBefore * 0.2, `${result.tokensBefore} → ${result.tokensAfter}`);
    const hashes = markerHashes(result.text);
    assert.deepEqual(hashes, [result.hash]);
    const original = await retrieveAll(store, hashes[0]);
    assert.equal(original, log.text);
    const keptLines = result.text
      .split('\n')
      .filter((line) => !isMarkerLine(line))
      .map((line) => parseKeptLine(line).line);
    const originalLines = new Set(log.lines);
    for (const line of keptLines) assert.ok(originalLines.has(line), `not a line of the original: ${line}`);
  });
});

describe('log compressor on every loghub sample', () => {
  const logs = readdirSync(join(CORPORA, 'logs')).filter((name) => name.endsWith('_2k.log'));
  for (const name of logs) {
    it(`${name}: keeps the first line of every error template and compresses`, async () => {
      const text = corpusFile('logs', name);
      const { result } = await compressWithStore(text);
      assert.equal(result.compressed, true, result.reason);
      assert.ok(
        result.tokensAfter < result.tokensBefore * 0.5,
        `${name}: ${result.tokensBefore} → ${result.tokensAfter}`,
      );
      const output = new Set(result.text.split('\n').map((line) => parseKeptLine(line).line));
      const lines = text.split(/\r?\n/);
      const firstError = lines.find((line) => /\b(ERROR|FATAL|SEVERE)\b/.test(line));
      if (firstError) assert.ok(output.has(firstError), `${name}: first error line dropped`);
      assert.ok(output.has(lines[0]), 'the first line stays');
    });
  }
});

describe('log compressor on build and test output', () => {
  it('keeps a stack trace whole and counts repeated lines', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 300; i++)
      lines.push(
        `2024-05-01T10:00:${String(i % 60).padStart(2, '0')}Z INFO worker ${i} processed batch ${i * 7} in ${i % 13}ms`,
      );
    lines.splice(
      150,
      0,
      '2024-05-01T10:02:30Z ERROR worker 150 crashed: TypeError: cannot read properties of undefined',
      '    at parseBatch (/srv/app/src/batch.ts:42:17)',
      '    at Worker.run (/srv/app/src/worker.ts:88:5)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
    );
    const text = lines.join('\n');
    const { result } = await compressWithStore(text);
    assert.equal(result.compressed, true);
    for (const line of lines.slice(150, 154)) assert.ok(result.text.includes(line), `missing: ${line}`);
    assert.match(result.text, /processed batch 0 in 0ms \[×300\]/);
  });

  it('a commit log is records: every commit keeps its hash and subject, the one the question names is whole, no [×N]', async () => {
    const lines: string[] = [];
    const shas: string[] = [];
    for (let i = 0; i < 40; i++) {
      const sha = `${(i * 7919 + 12345).toString(16).padStart(8, '0')}${'abcdef0123456789'.repeat(2)}`;
      shas.push(sha);
      const files = i === 17 ? ['src/billing/invoice.ts', 'test/invoice.test.ts'] : [`src/mod${i % 5}/a.ts`];
      lines.push(
        `commit ${sha}`,
        `Author: Dev ${i % 3} <dev${i % 3}@example.com>`,
        `Date:   Mon Jan ${1 + (i % 28)} 10:00:00 2024 +0000`,
        '',
      );
      lines.push(
        `    ${['Fix', 'Add', 'Refactor'][i % 3]} ${['parser', 'rounding', 'cache', 'flags'][i % 4]} handling (#${100 + i})`,
        '',
      );
      lines.push(
        ...files.map((f) => ` ${f} | ${3 + (i % 9)} ++-`),
        ` ${files.length} files changed, 2 insertions(+), 1 deletion(-)`,
        '',
      );
    }
    const text = lines.join('\n');
    const { result, store } = await compressWithStore(text, { query: 'which commit changed invoice.ts?' });
    assert.equal(result.kind, 'log');
    assert.doesNotMatch(result.text, /\[×\d+\]/);
    for (const [i, sha] of shas.entries()) {
      assert.ok(result.text.includes(`commit ${sha}`), `commit ${i} is named`);
      assert.ok(result.text.includes(`(#${100 + i})`), `commit ${i} keeps its subject`);
    }
    const seventeen = lines.indexOf(`commit ${shas[17]}`);
    assert.ok(
      result.text.includes(lines.slice(seventeen, seventeen + 10).join('\n')),
      'the commit asked about is whole',
    );
    assert.match(result.text, /\[headroom: \d+ of 40 commits shown by their header and subject only/);
    assert.ok(result.tokensAfter < result.tokensBefore * 0.5);
    assert.equal(await retrieveAll(store, result.hash), text);
  });
});
