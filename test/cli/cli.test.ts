import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CcrStore } from '../../src/store/ccrStore';
import { StoreLocked } from '../../src/store/fileLock';
import { CLI, headroom, startCliProxy } from '../helpers/cli';
import { bglLog } from '../helpers/corpora';
import { tempDir } from '../helpers/tempDir';

describe('headroom CLI (the built bundle)', () => {
  const store = join(tempDir(), 'cli-store.sqlite');

  it('compresses stdin to stdout, with figures on stderr, and retrieves what it dropped', () => {
    const log = bglLog().text;
    const compressed = headroom(['compress', '--store', store, '--stats', '--query', 'data TLB error'], log);
    assert.equal(compressed.code, 0, compressed.stderr);
    assert.ok(compressed.stdout.length < log.length / 4);
    const stats = JSON.parse(compressed.stderr.trim()) as {
      kind: string;
      tokensBefore: number;
      tokensAfter: number;
      hash: string;
    };
    assert.equal(stats.kind, 'log');
    assert.ok(stats.tokensAfter < stats.tokensBefore);

    const whole = headroom(['retrieve', stats.hash, '--store', store]);
    assert.equal(whole.code, 0, whole.stderr);
    assert.equal(whole.stdout, log);
    const part = headroom([
      'retrieve',
      stats.hash,
      '--store',
      store,
      '--query',
      'data TLB error interrupt',
      '--limit',
      '2',
    ]);
    assert.equal(part.stdout.split('\n').length, 2);
    assert.match(part.stderr, /2 of \d+ matching lines/);
  });

  it('uses HEADROOM_STORE when no --store is given', () => {
    const envStore = join(tempDir(), 'env-store.sqlite');
    const compressed = headroom(['compress', '--stats'], bglLog().text, { HEADROOM_STORE: envStore });
    const { hash } = JSON.parse(compressed.stderr.trim()) as { hash: string };
    assert.equal(headroom(['retrieve', hash], undefined, { HEADROOM_STORE: envStore }).code, 0);
  });

  it('passes small input through unchanged', () => {
    const result = headroom(['compress', '--store', store], 'just three words');
    assert.equal(result.stdout, 'just three words');
  });

  it('rejects bad arguments with a message and exit code 2', () => {
    for (const args of [
      ['compress', '--kind', 'poetry'],
      ['compress', '--bogus'],
      ['compress', '--min-tokens', 'lots'],
      ['proxy', '--history-tokens', 'many'],
      ['proxy', '--history-keep-turns', 'two'],
      ['proxy', '--history-keep-turns', '0'],
      ['retrieve'],
      ['frobnicate'],
      [],
    ]) {
      const result = headroom(args, '');
      assert.equal(result.code, 2, `${args.join(' ')} → ${result.code}`);
      assert.match(result.stderr + result.stdout, /usage|must be|takes a whole number|exactly one hash|unknown/);
    }
  });

  it('passes bytes that are not text through byte for byte, and says so', () => {
    const bytes = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 256));
    const result = spawnSync(process.execPath, [CLI, 'compress', '--store', store, '--stats'], { input: bytes });
    assert.equal(result.status, 0, result.stderr.toString());
    assert.deepEqual(result.stdout, bytes);
    assert.deepEqual(JSON.parse(result.stderr.toString()), { compressed: false, kind: 'binary', reason: 'not UTF-8' });
  });

  it('ends quietly when its reader stops early (`headroom retrieve HASH | head`)', async () => {
    const compressed = headroom(['compress', '--store', store, '--stats'], bglLog().text);
    const { hash } = JSON.parse(compressed.stderr.trim()) as { hash: string };
    const child = spawn(process.execPath, [CLI, 'retrieve', hash, '--store', store]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(stderr, '', 'no stack trace');
    assert.equal(code, 0);
  });

  it('exits 1 with a clear message for an unknown hash', () => {
    const result = headroom(['retrieve', 'abcdef0123456789abcdef01', '--store', store]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /No original is stored for hash abcdef0123456789abcdef01/);
  });
});

describe('headroom proxy (the built bundle)', () => {
  it('prints where it listens, serves health, and stops cleanly on SIGTERM', async () => {
    const store = join(tempDir(), 'proxy-cli.sqlite');
    const proxy = await startCliProxy(['--store', store]);
    assert.match(proxy.line, /^Headroom proxy listening on http:\/\/127\.0\.0\.1:\d+ \(store .*proxy-cli\.sqlite\)\n$/);
    const health = (await (await fetch(`${proxy.url}/headroom/health`)).json()) as { ok: boolean };
    assert.equal(health.ok, true);
    assert.equal(await proxy.stop(), 0);
  });

  it('starts with compression off when told to, and says so', async () => {
    const proxy = await startCliProxy(['--store', join(tempDir(), 'off.sqlite')], { HEADROOM_COMPRESSION: 'off' });
    assert.match(proxy.line, /, compression off\)$/m);
    const health = (await (await fetch(`${proxy.url}/headroom/health`)).json()) as { compression: boolean };
    assert.equal(health.compression, false);
    await proxy.stop();
    assert.equal(headroom(['proxy', '--compression', 'maybe']).code, 2);
  });

  it('goes through the running proxy that holds the store, and uses the store itself once the proxy stops', async () => {
    const store = join(tempDir(), 'shared.sqlite');
    const proxy = await startCliProxy(['--store', store]);
    await assert.rejects(CcrStore.open({ file: store }), StoreLocked, 'one writer per store');
    // The discovery file carries the API secret the CLI and MCP server use, so only the user may read it.
    assert.equal(statSync(`${store}.proxy.json`).mode & 0o777, 0o600);
    assert.equal((await fetch(`${proxy.url}/headroom/stats`)).status, 401, 'without the secret');

    const compressed = headroom(['compress', '--store', store, '--stats'], bglLog().text);
    assert.equal(compressed.code, 0, compressed.stderr);
    const { hash } = JSON.parse(compressed.stderr.trim()) as { hash: string };
    const viaProxy = headroom([
      'retrieve',
      hash,
      '--store',
      store,
      '--query',
      'data TLB error interrupt',
      '--limit',
      '1',
    ]);
    assert.equal(viaProxy.code, 0, viaProxy.stderr);
    assert.match(viaProxy.stdout, /data TLB error interrupt/);

    await proxy.stop();
    assert.equal(existsSync(`${store}.proxy.json`), false, 'the discovery file goes with the proxy');
    const local = headroom(['retrieve', hash, '--store', store]);
    assert.equal(local.code, 0, local.stderr);
    assert.equal(local.stdout, bglLog().text, 'what the proxy stored was flushed to the file');
  });

  it('rejects a bad upstream URL', () => {
    const result = headroom(['proxy', '--anthropic-upstream', 'ftp://nope']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--anthropic-upstream must be an http\(s\) URL/);
  });
});
