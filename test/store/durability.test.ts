import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import initSqlJs from 'sql.js';
import { compressText, NOT_STORED } from '../../src/core/compressText';
import { CcrStore } from '../../src/store/ccrStore';
import { OriginalFiles } from '../../src/store/originalFiles';
import { SCHEMA_VERSION } from '../../src/store/schema';
import { DiskTextFiles } from '../../src/store/textFiles';
import { CLI, headroom, startCliProxy } from '../helpers/cli';
import { anthropicKit } from '../helpers/contract/anthropicKit';
import { startStrictFake } from '../helpers/contract/strictFake';
import { httpRequest } from '../helpers/http';
import { tempDir } from '../helpers/tempDir';
import { bigLog } from '../helpers/toolOutputs';

/** A different log each round, so every round stores originals of its own. */
const roundLog = (round: number) => bigLog().replace(/INFO/g, `INFO round-${round}`);

describe('store: durable before visible', () => {
  it('has an original on disk, synced, when the compression naming it returns, before any save', async () => {
    const file = join(tempDir(), 'store.sqlite');
    const store = await CcrStore.open({ file, debounceMs: 60_000 });
    const result = await compressText(bigLog(), { store });
    assert.ok(result.compressed);
    const files = new OriginalFiles(new DiskTextFiles(`${file}.originals`, true));
    for (const hash of [result.hash, ...result.markerHashes]) assert.ok(await files.read(hash), `${hash} is on disk`);
    assert.equal((await files.read(result.hash))?.content, bigLog());
    await store.close();
  });

  it('keeps neither originals nor compressed texts in the database, so saving it does not grow with them', async () => {
    const file = join(tempDir(), 'store.sqlite');
    const store = await CcrStore.open({ file });
    const result = await compressText(bigLog(), { store });
    await store.close();
    const database = readFileSync(file);
    assert.equal(
      database.includes(bigLog().slice(100_000, 100_200)),
      false,
      'no original (only its first characters, the preview)',
    );
    const line = result.text
      .split('\n')
      .filter((l) => l.length > 60 && !l.startsWith('[headroom'))
      .at(-1)!;
    assert.equal(database.includes(line), false, 'no compressed text');
    const reopened = await CcrStore.open({ file });
    const again = await compressText(bigLog(), { store: reopened });
    await reopened.close();
    assert.equal(again.cached, true);
    assert.equal(again.text, result.text, 'replayed byte for byte from its file');
  });

  it('leaves an output as it was, and says why, when its original cannot be stored', async () => {
    const file = join(tempDir(), 'store.sqlite');
    // Where the originals' directory should be, a file: every write fails, as on a full or read-only disk.
    writeFileSync(`${file}.originals`, 'not a directory');
    const store = await CcrStore.open({ file });
    const result = await compressText(bigLog(), { store });
    await store.close();
    assert.equal(result.compressed, false);
    assert.equal(result.text, bigLog());
    assert.match(result.reason ?? '', new RegExp(`^${NOT_STORED}: `));
  });

  it('a memo entry whose text cannot be written is dropped: the output is compressed again, never replayed without its text', async () => {
    const file = join(tempDir(), 'store.sqlite');
    writeFileSync(`${file}.memo`, 'not a directory');
    const store = await CcrStore.open({ file });
    const first = await compressText(bigLog(), { store });
    assert.equal(first.compressed, true, 'the original is stored, so the output is compressed');
    await store.close();
    const reopened = await CcrStore.open({ file });
    const again = await compressText(bigLog(), { store: reopened });
    await reopened.close();
    assert.equal(again.cached, false);
    assert.equal(again.text, first.text);
  });

  it('migrates a store of the first schema: every original moves to its file and stays retrievable', async () => {
    const file = join(tempDir(), 'old.sqlite');
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.exec(`CREATE TABLE originals (hash TEXT PRIMARY KEY, content BLOB NOT NULL, kind TEXT NOT NULL, tool TEXT,
      bytes INTEGER NOT NULL, created_at INTEGER NOT NULL, accessed_at INTEGER NOT NULL);
      CREATE INDEX originals_accessed ON originals(accessed_at);`);
    const now = Date.now();
    const contents = ['first original\nline two', 'second ✓ original'];
    contents.forEach((content, i) =>
      db.run('INSERT INTO originals VALUES (?, ?, ?, ?, ?, ?, ?)', [
        `${i}`.repeat(24),
        i === 0 ? Buffer.from(content) : content,
        'log',
        'Bash',
        Buffer.byteLength(content),
        now,
        now,
      ]),
    );
    writeFileSync(file, db.export());
    db.close();
    writeFileSync(`${file}.1234.tmp`, 'a save cut short');

    const store = await CcrStore.open({ file });
    for (const [i, content] of contents.entries()) {
      const outcome = await store.retrieve(`${i}`.repeat(24));
      assert.ok(outcome.ok, `original ${i}`);
      assert.equal(outcome.part.content, content);
    }
    assert.equal(await store.preview('0'.repeat(24), 5), 'first');
    const columns = await store.database.column("SELECT name FROM pragma_table_info('originals')");
    assert.equal(columns.includes('content'), false, 'the contents left the database');
    assert.equal(await store.database.scalar('PRAGMA user_version'), SCHEMA_VERSION);
    await store.close();
    assert.equal(existsSync(`${file}.1234.tmp`), false, 'a leftover temporary file is removed');
  });
});

describe('store: killed right after answering, nothing lost', () => {
  it('a proxy killed with SIGKILL after each answer (50 rounds): every marker it handed out retrieves after restart', async () => {
    const store = join(tempDir(), 'killed.sqlite');
    const upstream = await startStrictFake([anthropicKit]);
    const handedOut: string[] = [];
    try {
      for (let round = 0; round < 50; round++) {
        const proxy = await startCliProxy(['--store', store, '--anthropic-upstream', upstream.url]);
        const answer = await httpRequest(`${proxy.url}/v1/messages`, {
          headers: anthropicKit.headers,
          body: JSON.stringify(anthropicKit.firstRequest({ stream: false, output: roundLog(round) })),
        });
        assert.equal(answer.status, 200);
        proxy.child.kill('SIGKILL');
        await proxy.stop();
        const sent = upstream.requests.at(-1)!.body.toString();
        handedOut.push(...new Set([...sent.matchAll(/retrieve hash=([0-9a-f]{24})/g)].map((m) => m[1])));
      }
    } finally {
      await upstream.close();
    }
    assert.ok(handedOut.length >= 50);
    const store2 = await CcrStore.open({ file: store });
    const missing = [];
    for (const hash of handedOut) if (!(await store2.retrieve(hash)).ok) missing.push(hash);
    await store2.close();
    assert.deepEqual(missing, [], `${missing.length} of ${handedOut.length} markers lost`);
  });

  it('an MCP server killed with SIGKILL right after headroom_compress answers (50 rounds): every hash retrieves', async () => {
    const store = join(tempDir(), 'mcp-killed.sqlite');
    const hashes: string[] = [];
    for (let round = 0; round < 50; round++) {
      const child = spawn(process.execPath, [CLI, 'mcp', '--store', store], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const send = (value: unknown) => child.stdin.write(`${JSON.stringify(value)}\n`);
      send({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'kill', version: '1' } },
      });
      send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      send({
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'headroom_compress', arguments: { content: roundLog(round) } },
      });
      for (let i = 0; i < 400 && !stdout.includes('"id":2'); i++) await new Promise((r) => setTimeout(r, 25));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const hash = /"hash":"([0-9a-f]{24})"/.exec(stdout)?.[1];
      assert.ok(hash, `round ${round}: ${stdout.slice(-300)}`);
      hashes.push(hash);
    }
    for (const hash of hashes) {
      const retrieved = headroom(['retrieve', hash, '--store', store]);
      assert.equal(retrieved.code, 0, `${hash}: ${retrieved.stderr}`);
    }
  });
});
