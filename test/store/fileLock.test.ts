import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { CcrStore } from '../../src/store/ccrStore';
import { StoreLocked } from '../../src/store/fileLock';
import { tempDir } from '../helpers/tempDir';

describe('store lock', () => {
  it('refuses a second open of a store that is open, and frees it on close', async () => {
    const file = join(tempDir(), 'store.sqlite');
    const first = await CcrStore.open({ file });
    assert.equal(readFileSync(`${file}.lock`, 'utf8'), String(process.pid));
    assert.deepEqual(readdirSync(dirname(file)).filter((name) => name.includes('.lock')), ['store.sqlite.lock'], 'nothing is left beside the lock');
    await assert.rejects(CcrStore.open({ file }), (error: unknown) => error instanceof StoreLocked && /in use by another process \(pid \d+\)/.test((error as Error).message));
    await first.close();
    assert.equal(existsSync(`${file}.lock`), false);
    const second = await CcrStore.open({ file });
    await second.close();
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    const file = join(tempDir(), 'store.sqlite');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(`${file}.lock`, dead.stdout);
    const store = await CcrStore.open({ file });
    assert.equal(readFileSync(`${file}.lock`, 'utf8'), String(process.pid));
    await store.close();
  });

  it('waits for a holder that lets go within lockWaitMs, and gives up on one that does not', async () => {
    const file = join(tempDir(), 'store.sqlite');
    const first = await CcrStore.open({ file });
    setTimeout(() => void first.close(), 150);
    const second = await CcrStore.open({ file, lockWaitMs: 5_000 });
    assert.equal(readFileSync(`${file}.lock`, 'utf8'), String(process.pid));
    await assert.rejects(CcrStore.open({ file, lockWaitMs: 200 }), StoreLocked);
    await second.close();
  });

  it('keeps two processes taking turns on one store apart, a lock released mid-acquire included', async () => {
    const file = join(tempDir(), 'store.sqlite');
    const counter = `${file}.count`;
    writeFileSync(counter, '0');
    const turns = 1000;
    const child = `
      const { readFileSync, writeFileSync } = require('node:fs');
      const { FileLock } = require(${JSON.stringify(join(__dirname, '../../src/store/fileLock.js'))});
      (async () => {
        for (let turn = 0; turn < ${turns}; turn++) {
          const lock = await FileLock.acquireWithin(${JSON.stringify(file)}, 30000);
          writeFileSync(${JSON.stringify(counter)}, String(Number(readFileSync(${JSON.stringify(counter)}, 'utf8')) + 1));
          lock.release();
        }
      })().catch((error) => { console.error(error.message); process.exit(1); });`;
    const run = () =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const process_ = spawn(process.execPath, ['-e', child], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        process_.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        process_.on('close', (code) => resolve({ code, stderr }));
      });
    const results = await Promise.all([run(), run()]);
    assert.deepEqual(results, [{ code: 0, stderr: '' }, { code: 0, stderr: '' }]);
    assert.equal(readFileSync(counter, 'utf8'), String(2 * turns), 'every turn saw the other\'s writes');
  });
});
