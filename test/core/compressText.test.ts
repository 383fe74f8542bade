import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compressText } from '../../src/core/compressText';
import { MemoryStore } from '../../src/core/memoryStore';
import { bigLog } from '../helpers/toolOutputs';

describe('compressText', () => {
  it('passes content below the token threshold untouched', async () => {
    const text = 'line one\nline two\n'.repeat(20);
    const result = await compressText(text, { store: new MemoryStore() });
    assert.equal(result.text, text);
    assert.equal(result.reason, 'below-threshold');
  });

  it('honours a lower threshold', async () => {
    const lines = Array.from(
      { length: 120 },
      (_, i) => `12:00:${String(i % 60).padStart(2, '0')} INFO cache refresh ${i} done`,
    );
    const result = await compressText(lines.join('\n'), { store: new MemoryStore(), minTokens: 50 });
    assert.equal(result.compressed, true);
  });

  it('returns the original when the savings would be under the minimum', async () => {
    const log = bigLog();
    const result = await compressText(log, { store: new MemoryStore(), minSavings: 0.99 });
    assert.equal(result.compressed, false);
    assert.equal(result.reason, 'low-savings');
    assert.equal(result.text, log);
  });

  it('fails open when a scorer throws', async () => {
    const log = bigLog();
    const broken = {
      name: 'broken',
      score: () => {
        throw new Error('model exploded');
      },
    };
    const result = await compressText(log, { store: new MemoryStore(), query: 'why', scorer: broken });
    assert.equal(result.text, log);
    assert.equal(result.reason, 'error: model exploded');
  });

  it('reads a view of a source file as code, even when its lines look like a log', async () => {
    const source = Array.from(
      { length: 300 },
      (_, i) => `    logger.info("2026-11-24 10:00:${String(i % 60).padStart(2, '0')} INFO worker ${i} done");`,
    ).join('\n');
    const read = await compressText(source, {
      store: new MemoryStore(),
      tool: 'Read',
      toolInput: { file_path: '/repo/src/worker.ts', offset: 100, limit: 300 },
    });
    assert.equal(read.kind, 'code');
    assert.equal(read.compressed, false, 'a range the model is about to edit stays whole');
    const printed = await compressText(source, {
      store: new MemoryStore(),
      tool: 'Bash',
      toolInput: { command: 'python run.py' },
    });
    assert.equal(printed.kind, 'log', 'the same lines printed by a program are a log');
  });

  it('leaves binary data alone', async () => {
    const binary = `PNG\u0000\u0001\u0002${'\u0003\u0004'.repeat(2_000)}`;
    const result = await compressText(binary, { store: new MemoryStore() });
    assert.equal(result.kind, 'binary');
    assert.equal(result.text, binary);
  });

  it('stores the original under the content hash it reports', async () => {
    const store = new MemoryStore();
    const log = bigLog();
    const result = await compressText(log, { store, tool: 'Bash' });
    assert.equal(store.getOriginal(result.hash)?.content, log);
    assert.equal(store.getOriginal(result.hash)?.tool, 'Bash');
    assert.match(result.hash, /^[0-9a-f]{24}$/);
  });

  it('different settings do not replay each other', async () => {
    const store = new MemoryStore();
    const log = bigLog();
    const balanced = await compressText(log, { store });
    const conservative = await compressText(log, { store, aggressiveness: 'conservative' });
    assert.equal(conservative.cached, false);
    assert.ok(conservative.tokensAfter > balanced.tokensAfter);
  });
});
