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
    assert.deepEqual(
      readdirSync(dirname(file)).filter((name) => name.includes('.lock')),
      ['store.sqlite.lock'],
      'nothing is left beside the lock',
    );
    await assert.rejects(
      CcrStore.open({ file }),
      (error: unknown) =>
        error instanceof StoreLocked && /in use by another process \(pid \d+\)/.test((error as Error).message),
    );
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
    const results = await takeTurns(file, { processes: 2, turns: 1000 });
    assert.deepEqual(results.exits, [
      { code: 0, stderr: '' },
      { code: 0, stderr: '' },
    ]);
    assert.equal(results.count, 2000, "every turn saw the other's writes");
  });

  it('lets one process at a time take over a lock left by a process that no longer runs', async () => {
    for (let round = 0; round < 3; round++) {
      const file = join(tempDir(), 'store.sqlite');
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
        encoding: 'utf8',
      });
      writeFileSync(`${file}.lock`, dead.stdout);
      const results = await takeTurns(file, { processes: 8, turns: 1, holdMs: 30 });
      assert.ok(
        results.exits.every((exit) => exit.code === 0),
        JSON.stringify(results.exits),
      );
      assert.equal(results.count, 8, `round ${round}: two processes held the store at once`);
      assert.deepEqual(
        readdirSync(dirname(file)).filter((name) => name.includes('.lock')),
        [],
        'no lock, takeover or pending file left',
      );
    }
  });
});

/**
 * `processes` processes, started together, each take the store's lock `turns` times and,
 * holding it, add one to a counter file (read, hold `holdMs`, write): a lost increment means
 * two held the lock at once.
 */
async function takeTurns(
  file: string,
  options: { processes: number; turns: number; holdMs?: number },
): Promise<{ exits: Array<{ code: number | null; stderr: string }>; count: number }> {
  const counter = `${file}.count`;
  writeFileSync(counter, '0');
  const startAt = Date.now() + 300;
  const child = `
    const { readFileSync, writeFileSync } = require('node:fs');
    const { FileLock } = require(${JSON.stringify(join(__dirname, '../../src/store/fileLock.js'))});
    const pause = (ms) => { const until = Date.now() + ms; while (Date.now() < until); };
    (async () => {
      pause(${startAt} - Date.now());
      for (let turn = 0; turn < ${options.turns}; turn++) {
        const lock = await FileLock.acquireWithin(${JSON.stringify(file)}, 30000);
        const count = Number(readFileSync(${JSON.stringify(counter)}, 'utf8'));
        pause(${options.holdMs ?? 0});
        writeFileSync(${JSON.stringify(counter)}, String(count + 1));
        lock.release();
      }
    })().catch((error) => { console.error(error.message); process.exit(1); });`;
  const run = () =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const locker = spawn(process.execPath, ['-e', child], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      locker.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      locker.on('close', (code) => resolve({ code, stderr }));
    });
  const exits = await Promise.all(Array.from({ length: options.processes }, run));
  return { exits, count: Number(readFileSync(counter, 'utf8')) };
}
