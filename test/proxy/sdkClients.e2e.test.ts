import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { anthropicKit } from '../helpers/contract/anthropicKit';
import { geminiKit } from '../helpers/contract/geminiKit';
import { openaiChatKit } from '../helpers/contract/openaiChatKit';
import { openaiResponsesKit } from '../helpers/contract/openaiResponsesKit';
import { startStrictFake } from '../helpers/contract/strictFake';
import { e2eTools } from '../helpers/e2eTools';
import type { SdkRun } from '../helpers/sdkClient';
import { proxyHarness } from '../helpers/proxyHarness';

/**
 * The official SDKs (OpenAI, Anthropic, Google Gen AI) through the proxy against the strict
 * fakes: each SDK parses what the proxy answers, whole and streamed, with its own stream
 * helpers, and its next turn (built from those objects) must be accepted.
 */
const h = proxyHarness({
  upstream: () => startStrictFake([anthropicKit, openaiChatKit, openaiResponsesKit, geminiKit]),
});

async function runSdk(sdk: string): Promise<SdkRun[]> {
  const tools = e2eTools();
  const script = join(__dirname, '..', 'helpers', 'sdkClient.js');
  const { stdout } = await promisify(execFile)(tools.nodeBin, [script, sdk, h.proxy.url, tools.sdkModules], {
    timeout: 60_000,
  });
  return JSON.parse(stdout) as SdkRun[];
}

describe('the official SDKs through the proxy', () => {
  for (const [sdk, apis] of [
    ['openai', ['chat', 'responses']],
    ['anthropic', ['messages']],
    ['google', ['generateContent']],
  ] as const) {
    it(`${sdk}: a retrieval next to a client tool call, then the client's answer to it, whole and streamed`, async () => {
      const before = h.upstream.requests.length;
      const runs = await runSdk(sdk);
      assert.deepEqual(
        runs.map((r) => `${r.api}/${r.stream ? 'streamed' : 'whole'}`),
        apis.flatMap((api) => [`${api}/whole`, `${api}/streamed`]),
      );
      for (const run of runs) {
        const label = `${run.api} ${run.stream ? 'streamed' : 'whole'}`;
        assert.equal(run.turns.length, 2, label);
        const [first, second] = run.turns;
        assert.deepEqual(first.calls, ['shell'], `${label}: the client call arrives, the retrieval does not`);
        assert.match(first.text, /I read the original: \[headroom: original [0-9a-f]{24}/, label);
        assert.deepEqual(second.calls, [], label);
        assert.match(second.text, /I read the original/, `${label}: the next turn is answered`);
      }
      const upstream = h.upstream.requests.slice(before);
      assert.ok(upstream.length >= runs.length * 3, 'two rounds for the first turn, one for the second');
      for (const seen of upstream)
        assert.equal(seen.rejected, undefined, `the API accepts every request (${seen.kit})`);
      assert.ok(
        upstream.some((r) => /retrieve hash=/.test(r.body.toString())),
        'the tool output was compressed',
      );
    });
  }
});
