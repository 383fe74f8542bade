import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { migrate } from '../../src/store/schema';
import { journalFile, StoreDatabase, type StoreDatabaseOptions } from '../../src/store/storeDatabase';
import { tempDir } from '../helpers/tempDir';

const noContents = { original: () => undefined, memoText: () => undefined };
const open = (options: StoreDatabaseOptions) =>
  StoreDatabase.open({ snapshotDelayMs: 0, ...options }, (db) => migrate(db, noContents));

/** A row of `evictions`, the simplest table, per change. */
function change(database: StoreDatabase, i: number, reason = 'x'.repeat(200)): Promise<number> {
  return database.run('INSERT OR REPLACE INTO evictions (hash, reason, at) VALUES (?, ?, ?)', [`h${i}`, reason, i]);
}
const count = async (database: StoreDatabase) => Number(await database.scalar('SELECT COUNT(*) FROM evictions'));

describe('the store database (snapshot and journal)', () => {
  it('keeps changes in a journal beside the snapshot, and a reopen replays them', async () => {
    const file = join(tempDir(), 'store.sqlite');
    // Open for a moment only, as the CLI is: no snapshot is written, not even at close.
    const database = await open({ file, snapshotDelayMs: 60_000 });
    const snapshot = readFileSync(file);
    for (let i = 0; i < 100; i++) await change(database, i);
    await database.run('DELETE FROM evictions WHERE at < ?', [10]);
    await database.close();
    assert.deepEqual(readFileSync(file), snapshot, 'the snapshot was not rewritten for a few changes');
    assert.equal(readFileSync(journalFile(file), 'utf8').trim().split('\n').length, 101);
    const reopened = await open({ file });
    assert.equal(await count(reopened), 90);
    await reopened.close();
  });

  it('a store open a while folds its journal into the snapshot at close, so the next open replays nothing', async () => {
    const file = join(tempDir(), 'store.sqlite');
    const database = await open({ file });
    for (let i = 0; i < 20; i++) await change(database, i);
    await database.close();
    assert.equal(statSync(journalFile(file)).size, 0);
    const reopened = await open({ file });
    assert.equal(await count(reopened), 20);
    await reopened.close();
  });

  it('journals nothing for a change that changed no row', async () => {
    const file = join(tempDir(), 'store.sqlite');
    const database = await open({ file });
    await database.run('DELETE FROM evictions WHERE at < ?', [10]);
    await database.close();
    assert.equal(readFileSync(journalFile(file), 'utf8'), '');
  });

  it('cuts off a line a crash left half-written, and the changes after it replay', async () => {
    const file = join(tempDir(), 'store.sqlite');
    const database = await open({ file });
    await change(database, 1);
    await database.close();
    appendFileSync(journalFile(file), '[2,"INSERT OR REPLACE INTO evic');
    const reopened = await open({ file });
    assert.equal(await count(reopened), 1);
    await change(reopened, 3);
    await reopened.close();
    const again = await open({ file });
    assert.deepEqual(await again.column('SELECT hash FROM evictions ORDER BY hash'), ['h1', 'h3']);
    await again.close();
  });

  it('writes a new snapshot in a worker once the journal has grown, and shortens the journal to what came after', async () => {
    const file = join(tempDir(), 'store.sqlite');
    const database = await open({ file });
    const before = statSync(file).size;
    for (let i = 0; i < 6_000; i++) await change(database, i);
    await database.flush();
    await database.settled();
    assert.ok(statSync(file).size > before, 'the snapshot holds the changes');
    assert.equal(statSync(journalFile(file)).size, 0, 'and the journal none of them');
    await change(database, 6_000);
    await database.close();
    const reopened = await open({ file });
    assert.equal(await count(reopened), 6_001);
    await reopened.close();
  });

  it('a process that opens the store for one call and closes it never waits for a snapshot, however long the journal', async () => {
    const file = join(tempDir(), 'store.sqlite');
    const filling = await StoreDatabase.open({ file, snapshotDelayMs: 60_000 }, (db) => migrate(db, noContents));
    for (let i = 0; i < 6_000; i++) await change(filling, i);
    await filling.close();
    const journal = statSync(journalFile(file)).size;
    assert.ok(journal > 1024 * 1024);
    const snapshot = readFileSync(file);
    const oneCall = await StoreDatabase.open({ file }, (db) => migrate(db, noContents));
    await change(oneCall, 6_000);
    await oneCall.close();
    assert.deepEqual(readFileSync(file), snapshot);
    assert.ok(statSync(journalFile(file)).size > journal);
  });

  it('never applies a change twice: a crash after the snapshot and before the journal was shortened', async () => {
    const file = join(tempDir(), 'store.sqlite');
    const database = await open({ file });
    // AUTOINCREMENT inserts: applied twice, they would be two rows.
    const insert = (i: number) =>
      database.run(
        `INSERT INTO requests (at, provider, path, status, tokens_before, tokens_after, latency_ms, retrievals, dollars_saved)
         VALUES (?, 'anthropic', '/v1/messages', 200, 10, 1, 1, 0, 0)`,
        [i],
      );
    for (let i = 0; i < 8_000; i++) await insert(i);
    await database.flush();
    const whole = join(tempDir(), 'journal-before');
    copyFileSync(journalFile(file), whole);
    await database.settled();
    assert.equal(statSync(journalFile(file)).size, 0, 'a new snapshot holds them');
    insert(8_000);
    await database.close();
    // The journal as it was before the snapshot, with the one change after it appended.
    const after = readFileSync(journalFile(file), 'utf8');
    writeFileSync(journalFile(file), readFileSync(whole, 'utf8') + after);
    const reopened = await open({ file });
    assert.equal(Number(await reopened.scalar('SELECT COUNT(*) FROM requests')), 8_001);
    assert.equal(Number(await reopened.scalar('SELECT MAX(id) FROM requests')), 8_001);
    await reopened.close();
  });

  it('a process killed while changing the database loses at most the last moments, and what it wrote replays', async () => {
    const file = join(tempDir(), 'store.sqlite');
    await (await open({ file })).close();
    const script = `
      const { StoreDatabase } = require(${JSON.stringify(require.resolve('../../src/store/storeDatabase'))});
      const { migrate } = require(${JSON.stringify(require.resolve('../../src/store/schema'))});
      (async () => {
        const db = await StoreDatabase.open({ file: ${JSON.stringify(file)}, debounceMs: 5 }, (d) => migrate(d, { original() {}, memoText() {} }));
        let i = 0;
        setInterval(() => {
          for (let j = 0; j < 50; j++, i++) db.run('INSERT INTO evictions (hash, reason, at) VALUES (?, ?, ?)', ['h' + i, 'r', i]);
          if (i === 500) process.stdout.write('written\\n');
        }, 1);
      })();`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.on('data', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    const reopened = await open({ file, lockWaitMs: 1_000 });
    const rows = await count(reopened);
    assert.ok(rows >= 500, `${rows} rows replayed`);
    const highest = Number(await reopened.scalar('SELECT MAX(at) FROM evictions'));
    assert.equal(highest, rows - 1, 'a prefix of the changes, in order, with no gap');
    await reopened.close();
  });
});
