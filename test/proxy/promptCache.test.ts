import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fakeUpstream';
import { httpRequest } from '../helpers/http';
import { proxyHarness } from '../helpers/proxyHarness';
import { plantedRecords } from '../helpers/records';
import { bigLog } from '../helpers/toolOutputs';

type Usage = { input_tokens: number; cache_read_input_tokens: number; cache_creation_input_tokens: number };

/** Sonnet prices per million tokens: input, cache write, cache read. */
const cost = (u: Usage) =>
  (u.input_tokens * 3 + u.cache_creation_input_tokens * 3.75 + u.cache_read_input_tokens * 0.3) / 1e6;

/**
 * Turn `turn` of a Claude Code-shaped session: ~20 tools, a system prompt whose last block
 * is cached, the history of earlier turns, a cache breakpoint on the newest message.
 */
function claudeCodeRequest(turn: number, volatileSystem: boolean): string {
  const tools = Array.from({ length: 20 }, (_, i) => ({
    name: `Tool${i}`,
    description: `Tool number ${i}. `.repeat(40),
    input_schema: { type: 'object', properties: { arg: { type: 'string' } } },
  }));
  const now = new Date(Date.UTC(2026, 10, 24, 9, 0, turn * 7)).toISOString();
  const system = [
    { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.3; cc_entrypoint=cli' },
    {
      type: 'text',
      text: `You are Claude Code. ${'Follow the house rules. '.repeat(300)}${volatileSystem ? `Current time: ${now}. Request id: 0b5e5f2a-8c1d-4e7a-9f00-${String(turn).padStart(12, '0')}.` : ''}`,
      cache_control: { type: 'ephemeral' },
    },
  ];
  const messages: Array<{ role: string; content: Array<Record<string, unknown>> }> = [
    {
      role: 'user',
      content: [
        { type: 'text', text: '<system-reminder>Today is 2026-11-24.</system-reminder>' },
        { type: 'text', text: 'Investigate the failures in these outputs.' },
      ],
    },
  ];
  for (let t = 0; t < turn; t++) {
    const output = t % 2 === 0 ? bigLog() : JSON.stringify(plantedRecords(500, t).rows, null, 2);
    messages.push({
      role: 'assistant',
      content: [{ type: 'tool_use', id: `toolu_${t}`, name: 'Tool1', input: { arg: String(t) } }],
    });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${t}`, content: output }] });
  }
  const last = messages.at(-1)!.content.at(-1)!;
  last.cache_control = { type: 'ephemeral' };
  return JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 256, tools, system, messages });
}

async function session(baseUrl: string, volatileSystem: boolean): Promise<{ cost: number; readShare: number }> {
  const totals: Usage = { input_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
  for (let turn = 0; turn < 6; turn++) {
    const answer = await httpRequest(`${baseUrl}/v1/messages`, {
      headers: {
        'content-type': 'application/json',
        'x-api-key': 'sk-ant-ab',
        'anthropic-version': '2023-06-01',
        'x-fake-cache': 'on',
      },
      body: claudeCodeRequest(turn, volatileSystem),
    });
    assert.equal(answer.status, 200);
    const usage = (JSON.parse(answer.body.toString()) as { usage: Usage }).usage;
    for (const key of Object.keys(totals) as Array<keyof Usage>) totals[key] += usage[key];
  }
  const all = totals.input_tokens + totals.cache_read_input_tokens + totals.cache_creation_input_tokens;
  return { cost: cost(totals), readShare: totals.cache_read_input_tokens / all };
}

describe('prompt caching: the same session direct and through the proxy', () => {
  const h = proxyHarness();
  let direct: FakeUpstream;
  before(async () => {
    direct = await startFakeUpstream();
  });
  after(() => direct.close());

  for (const volatileSystem of [false, true]) {
    it(`costs less and reads at least as much from the cache (${volatileSystem ? 'volatile' : 'stable'} system prompt)`, async () => {
      const a = await session(direct.url, volatileSystem);
      const b = await session(h.proxy.url, volatileSystem);
      assert.ok(b.cost < a.cost, `through the proxy $${b.cost.toFixed(4)} against $${a.cost.toFixed(4)} direct`);
      assert.ok(
        b.readShare >= a.readShare,
        `cache-read share ${b.readShare.toFixed(3)} through the proxy against ${a.readShare.toFixed(3)} direct`,
      );
      if (volatileSystem)
        assert.ok(
          b.readShare > 0.6,
          `with the aligner, later turns read their whole history from the cache (share ${b.readShare.toFixed(3)})`,
        );
    });
  }
});
