import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe, it } from 'node:test';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { startProxy } from '../../src/proxy/server';
import { anthropicKit } from '../helpers/contract/anthropicKit';
import type { ApiKit, Json } from '../helpers/contract/apiKit';
import { geminiKit } from '../helpers/contract/geminiKit';
import { openaiChatKit } from '../helpers/contract/openaiChatKit';
import { openaiResponsesKit } from '../helpers/contract/openaiResponsesKit';
import { startStrictFake } from '../helpers/contract/strictFake';
import { apiTokenHeader, httpRequest } from '../helpers/http';
import { bigLog } from '../helpers/toolOutputs';
import { zstdRawFrame } from '../helpers/zstdFrame';
import { proxyHarness } from '../helpers/proxyHarness';

/**
 * The contract every dialect keeps, run against each API with a fake upstream that enforces
 * that API's documented rules: whatever the proxy sends upstream, in any round, and whatever
 * the client builds from what it received, must be a request the real API would accept.
 */
const KITS: readonly ApiKit[] = [anthropicKit, openaiChatKit, openaiResponsesKit, geminiKit];

const h = proxyHarness({ upstream: () => startStrictFake(KITS) });

/** Sends a request through the proxy; every upstream request it caused must have kept the API's rules. */
async function send(kit: ApiKit, body: Json | Buffer, stream: boolean, headers: Record<string, string> = {}) {
  const first = h.upstream.requests.length;
  const answer = await httpRequest(`${h.proxy.url}${kit.path(stream)}`, {
    headers: { ...kit.headers, ...headers },
    body: Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
  const upstream = h.upstream.requests.slice(first);
  for (const seen of upstream) assert.equal(seen.rejected, undefined, `${kit.name} accepts what the proxy sent`);
  return { answer, upstream, text: answer.body.toString() };
}

const upstreamBody = (seen: { body: Buffer }) => JSON.parse(seen.body.toString()) as Json;

for (const kit of KITS) {
  describe(`dialect contract: ${kit.name}`, () => {
    for (const stream of [false, true]) {
      const mode = stream ? 'streamed' : 'whole';
      const first = () => kit.firstRequest({ stream, output: bigLog() });

      it(`compresses the tool output and offers the retrieve tool last (${mode})`, async () => {
        const { answer, upstream } = await send(kit, first(), stream);
        assert.equal(answer.status, 200);
        assert.equal(upstream.length, 1);
        const sent = upstreamBody(upstream[0]);
        assert.match(JSON.stringify(sent), /retrieve hash=[0-9a-f]{24}/);
        assert.ok(upstream[0].body.length < JSON.stringify(first()).length / 2, 'the request went up much smaller');
        assert.deepEqual(kit.toolNames(sent), ['shell', 'headroom_retrieve']);
        assert.match(kit.read(answer.body.toString(), stream).text, /answer \d+ from the fake model/);
      });

      it(`answers retrievals itself over several rounds: one answer, no trace, usage summed (${mode})`, async () => {
        const { answer, upstream, text } = await send(kit, first(), stream, { 'x-fake-script': 'retrieve-twice' });
        assert.equal(answer.status, 200);
        assert.equal(upstream.length, 3, 'two retrieval rounds, then the answer');
        const read = kit.read(text, stream);
        assert.match(read.text, /^Let me look closer\.Let me look closer\.I read the original: \[headroom: original/);
        assert.ok(!text.includes('headroom_retrieve') && !text.includes('fake_hr'), 'no trace of the retrieval');
        assert.deepEqual(read.calls, []);
        assert.equal(read.inputTokens, 3 * kit.roundInputTokens, 'usage of every round, summed');
        const next = await send(kit, kit.nextRequest(first(), read, []), stream);
        assert.equal(next.answer.status, 200, "the client's next turn, built from what it received, is accepted");
      });

      it(`sends a client tool call made next to a retrieval to the client, after the retrieval (${mode})`, async () => {
        const { answer, upstream, text } = await send(kit, first(), stream, { 'x-fake-script': 'retrieve+client' });
        assert.equal(answer.status, 200);
        assert.equal(upstream.length, 2);
        const read = kit.read(text, stream);
        assert.deepEqual(
          read.calls.map((c) => c.name),
          ['shell'],
          'the client call arrives, the retrieve call does not',
        );
        assert.match(read.text, /I read the original/);
        assert.ok(text.indexOf(read.calls[0].id) > text.indexOf('I read the original'), 'after the retrieval resolved');
        const results = read.calls.map((c) => ({ ...c, text: 'a.txt\nb.txt' }));
        const next = await send(kit, kit.nextRequest(first(), read, results), stream);
        assert.equal(next.answer.status, 200, 'the client can answer its call and go on');
      });

      if (stream)
        it("ends the stream with the upstream's own error when a round after a retrieval fails", async () => {
          const { answer, text } = await send(kit, first(), true, {
            'x-fake-script': 'retrieve',
            'x-fake-status-after-retrieval': '529',
          });
          assert.equal(answer.status, 200, 'the stream had begun');
          const last = text
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => JSON.parse(line.slice(6)) as Json)
            .at(-1);
          const upstreamError = kit.errorBody(529, 'fake 529');
          const error = upstreamError.error as Json;
          assert.deepEqual(
            last,
            kit === openaiResponsesKit
              ? { type: 'error', code: error.code ?? error.type, message: 'fake 529', param: null }
              : upstreamError,
          );
        });

      it(`returns upstream errors verbatim: status, headers, body (${mode})`, async () => {
        for (const status of [429, 500]) {
          const { answer, text } = await send(kit, first(), stream, { 'x-fake-status': String(status) });
          assert.equal(answer.status, status);
          assert.equal(answer.headers['retry-after'], '17');
          assert.equal(answer.headers['x-request-id'], 'req_fake_error');
          assert.equal(text, JSON.stringify(kit.errorBody(status, `fake ${status}`)));
        }
      });
    }

    it('decodes gzip, br and zstd request bodies, compresses them and sends them plain', async () => {
      const plain = Buffer.from(JSON.stringify(kit.firstRequest({ stream: false, output: bigLog() })));
      for (const [encoding, encode] of [
        ['gzip', gzipSync],
        ['br', brotliCompressSync],
        ['zstd', zstdRawFrame],
      ] as const) {
        const { answer, upstream } = await send(kit, encode(plain), false, { 'content-encoding': encoding });
        assert.equal(answer.status, 200, encoding);
        assert.equal(upstream[0].headers['content-encoding'], undefined, encoding);
        assert.match(upstream[0].body.toString(), /retrieve hash=/, encoding);
      }
    });

    it('aborts the upstream request when the client goes away mid-stream', async () => {
      const before = h.upstream.requests.length;
      await new Promise<void>((resolve) => {
        const req = request(
          `${h.proxy.url}${kit.path(true)}`,
          { method: 'POST', headers: { ...kit.headers, 'x-fake-delay-ms': '60' } },
          (res) =>
            res.once('data', () => {
              req.destroy();
              resolve();
            }),
        );
        req.on('error', () => undefined);
        req.end(JSON.stringify(kit.firstRequest({ stream: true, output: bigLog() })));
      });
      const deadline = Date.now() + 3_000;
      while (!h.upstream.requests[before]?.aborted && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      assert.equal(h.upstream.requests[before]?.aborted, true);
    });

    it('sends the tool output as it came when compression runs out of time', async () => {
      const hurried = await startProxy({
        port: 0,
        store: h.store,
        config: { ...h.proxy.state.config, compressionBudgetMs: 0 },
      });
      const output = `${bigLog()}\nnever seen before: ${kit.name}`;
      const body = JSON.stringify(kit.firstRequest({ stream: false, output }));
      const answer = await httpRequest(`${hurried.url}${kit.path(false)}`, { headers: kit.headers, body });
      await hurried.close(100);
      assert.equal(answer.status, 200);
      assert.equal(h.upstream.requests.at(-1)!.rejected, undefined);
      assert.ok(
        h.upstream.requests.at(-1)!.body.toString().includes(JSON.stringify(output)),
        'the whole output went upstream',
      );
    });

    it('passes content it does not know through unchanged, and everything byte for byte with compression off', async () => {
      const unknown = { ...kit.firstRequest({ stream: false, output: bigLog() }), future_field: { kept: [1, '2'] } };
      const { upstream } = await send(kit, unknown, false);
      assert.deepEqual(upstreamBody(upstream[0]).future_field, { kept: [1, '2'] });

      const toggle = (enabled: boolean) =>
        httpRequest(`${h.proxy.url}/headroom/toggle`, {
          headers: { ...apiTokenHeader(h.proxy), 'content-type': 'application/json' },
          body: JSON.stringify({ enabled }),
        });
      await toggle(false);
      try {
        for (const stream of [false, true]) {
          const body = JSON.stringify(kit.firstRequest({ stream, output: bigLog() }));
          const answer = await httpRequest(`${h.proxy.url}${kit.path(stream)}`, { headers: kit.headers, body });
          assert.equal(answer.status, 200);
          assert.ok(
            h.upstream.requests.at(-1)!.body.equals(Buffer.from(body)),
            `byte for byte (${stream ? 'streamed' : 'whole'})`,
          );
        }
      } finally {
        await toggle(true);
      }
    });
  });
}
