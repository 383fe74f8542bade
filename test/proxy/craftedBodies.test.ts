import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { httpRequest } from '../helpers/http';
import { permissiveUpstream } from '../helpers/permissiveUpstream';
import { proxyHarness } from '../helpers/proxyHarness';
import { seededRandom } from '../helpers/records';
import { bigLog } from '../helpers/toolOutputs';
import { zstdRawFrame, zstdRleFrame } from '../helpers/zstdFrame';

/**
 * Fuzz: crafted request bodies (encodings, bombs, bytes that are not UTF-8, deep nesting,
 * number literals JavaScript cannot hold, tools that are not a list) each get an answer, never
 * a 500, and whatever reaches the upstream is either exactly what the client sent or a
 * rewrite that keeps every number literal as the client wrote it.
 */
describe('fuzz: crafted request bodies', () => {
  const h = proxyHarness({ upstream: permissiveUpstream });
  const random = seededRandom(18);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const log = bigLog().slice(0, 40_000);

  let bomb: Buffer | undefined;
  const gzipBomb = () => (bomb ??= gzipSync(Buffer.alloc(80 * 1024 * 1024, 0x20)));

  function craft(): { text: string; literals: string[] } {
    const literals = Array.from({ length: Math.floor(random() * 4) }, () =>
      pick([
        '9007199254740993',
        '1.0',
        '1e400',
        '-0',
        '0.10000000000000000555',
        '123456789012345678901234567890',
        '2.50',
      ]),
    );
    const depth = pick([0, 3, 600, 3000]);
    const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const tools = pick(['', ',"tools":[]', ',"tools":"Bash"', ',"tools":null', ',"tools":{"a":1}']);
    const metadata = `{"n":[${literals.join(',')}]${depth ? `,"deep":${nested}` : ''}}`;
    const text =
      `{"model":"claude-sonnet-4-5","max_tokens":16,"metadata":${metadata}${tools},"messages":[` +
      `{"role":"user","content":"why?"},` +
      `{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"n":${literals[0] ?? 1}}}]},` +
      `{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":${JSON.stringify(log)}}]}]}`;
    return { text, literals };
  }

  it('answers 300 crafted bodies without a failure, and never changes what it does not mean to', async () => {
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const { text, literals } = craft();
      let plain = Buffer.from(text);
      if (random() < 0.15)
        plain = Buffer.concat([plain.subarray(0, 200), Buffer.from([0xff, 0xc3]), plain.subarray(200)]);
      if (random() < 0.1) plain = plain.subarray(0, Math.floor(random() * plain.length));
      const [encoding, encode] = pick([
        ['', (b: Buffer) => b],
        ['', (b: Buffer) => b],
        ['gzip', gzipSync],
        ['br', brotliCompressSync],
        ['deflate', deflateSync],
        ['zstd', zstdRawFrame],
        ['zstd', () => zstdRleFrame(0x20, 200)],
        ['gzip', gzipBomb],
        ['compress', (b: Buffer) => b],
      ] as const);
      const body = encode(plain);
      const before = h.upstream.requests.length;
      const answer = await httpRequest(`${h.proxy.url}/v1/messages`, {
        headers: {
          'content-type': 'application/json',
          'anthropic-version': '2023-06-01',
          ...(encoding ? { 'content-encoding': encoding } : {}),
        },
        body,
      });
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      assert.ok(
        [200, 413].includes(answer.status),
        `request ${i}: ${answer.status} ${answer.body.toString().slice(0, 200)}`,
      );
      const sent = h.upstream.requests.slice(before);
      if (answer.status === 413) {
        assert.equal(sent.length, 0, `request ${i}: a refused body goes nowhere`);
        continue;
      }
      assert.equal(sent.length, 1, `request ${i}`);
      const forwarded = sent[0].body;
      if (forwarded.equals(body)) continue;
      const rewritten = forwarded.toString();
      assert.match(rewritten, /headroom_retrieve/, `request ${i}: only a request it could read is rewritten`);
      assert.ok(rewritten.includes(`"n":[${literals.join(',')}]`), `request ${i}: ${literals.join(',')} kept`);
    }
    assert.ok((statuses.get(413) ?? 0) > 0 && (statuses.get(200) ?? 0) > 100, JSON.stringify([...statuses]));
  });
});
