import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { BillingError, minimumCacheableTokens, PromptCacheBiller } from './promptCacheBilling';

const MINUTE = 60_000;
const ephemeral = { type: 'ephemeral' };
/** About 1,200 tokens: above Sonnet 4.5's 1,024-token minimum, below Opus 4.6's 4,096. */
const LONG = ' hello'.repeat(1_200);
const T = (text: string) => countTokens(text);

function request(options: { model?: string; system?: unknown; messages: unknown[]; cache_control?: unknown }) {
  return { model: options.model ?? 'claude-sonnet-4-5', max_tokens: 10, ...options };
}
const systemCached = (ttl?: string) => [
  { type: 'text', text: LONG, cache_control: ttl ? { ...ephemeral, ttl } : ephemeral },
];
const userSays = (text: string) => ({ role: 'user', content: text });

describe('the prompt cache billing of the fake Anthropic API', () => {
  it('writes the prefix up to a breakpoint, then reads it; the rest is plain input', () => {
    const biller = new PromptCacheBiller();
    const body = request({ system: systemCached(), messages: [userSays('What is in the log?')] });
    const first = biller.bill(body, 0);
    assert.equal(first.cache_creation_input_tokens, T(LONG));
    assert.equal(first.cache_creation.ephemeral_5m_input_tokens, T(LONG));
    assert.equal(first.cache_read_input_tokens, 0);
    assert.equal(first.input_tokens, T('What is in the log?'));
    assert.equal(first.keptPreviousPrefix, undefined, 'nothing was cached before');
    const second = biller.bill(body, MINUTE);
    assert.deepEqual(
      [second.cache_read_input_tokens, second.cache_creation_input_tokens, second.input_tokens],
      [T(LONG), 0, T('What is in the log?')],
    );
    assert.equal(second.keptPreviousPrefix, true);
  });

  it('expires an entry five minutes after its last use, and a read refreshes it', () => {
    const biller = new PromptCacheBiller();
    const body = request({ system: systemCached(), messages: [userSays('q')] });
    biller.bill(body, 0);
    assert.equal(biller.bill(body, 4 * MINUTE).cache_read_input_tokens, T(LONG), 'read at 4 min, refreshed to 9 min');
    assert.equal(biller.bill(body, 8 * MINUTE).cache_read_input_tokens, T(LONG), 'still live at 8 min');
    const late = biller.bill(body, 14 * MINUTE);
    assert.equal(late.cache_read_input_tokens, 0, 'expired 5 min after the read at 8 min');
    assert.equal(late.cache_creation_input_tokens, T(LONG), 'and written again');
    assert.equal(late.keptPreviousPrefix, true, 'an expiry is not a broken prefix');
  });

  it('refreshes the shorter cached prefixes inside the one it reads', () => {
    const biller = new PromptCacheBiller();
    const grown = (n: number) =>
      request({
        system: systemCached(),
        messages: [{ role: 'user', content: [{ type: 'text', text: `turn ${n}`, cache_control: ephemeral }] }],
      });
    biller.bill(grown(0), 0);
    biller.bill(grown(0), 4 * MINUTE);
    const other = biller.bill(grown(1), 8 * MINUTE);
    assert.equal(
      other.cache_read_input_tokens,
      T(LONG),
      "the system prompt's entry, written at 0, was refreshed by the read at 4 min",
    );
  });

  it('bills a one-hour breakpoint as a one-hour write, live for an hour', () => {
    const biller = new PromptCacheBiller();
    const body = request({ system: systemCached('1h'), messages: [userSays('q')] });
    const first = biller.bill(body, 0);
    assert.deepEqual(first.cache_creation, { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: T(LONG) });
    assert.equal(biller.bill(body, 50 * MINUTE).cache_read_input_tokens, T(LONG));
    assert.throws(
      () => biller.bill(request({ system: systemCached('2h'), messages: [userSays('q')] }), 0),
      BillingError,
    );
  });

  it("caches nothing shorter than the model's minimum cacheable length", () => {
    assert.equal(minimumCacheableTokens('claude-opus-4-6'), 4096);
    assert.equal(minimumCacheableTokens('claude-sonnet-4-5-20250929'), 1024);
    const biller = new PromptCacheBiller();
    const body = request({ model: 'claude-opus-4-6', system: systemCached(), messages: [userSays('q')] });
    for (const at of [0, MINUTE]) {
      const bill = biller.bill(body, at);
      assert.deepEqual(
        [bill.cache_creation_input_tokens, bill.cache_read_input_tokens, bill.input_tokens],
        [0, 0, T(LONG) + T('q')],
      );
    }
  });

  it('reads the longest cached prefix within 20 blocks before a breakpoint, and no further back', () => {
    // A conversation of one-block messages with breakpoints on the last two, as Claude Code places them.
    const turns = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        role: i % 2 ? 'assistant' : 'user',
        content: [{ type: 'text', text: `turn ${i}` }],
      }));
    const withBreakpoints = (messages: Array<{ content: Array<Record<string, unknown>> }>) =>
      messages.map((m, i) =>
        i >= messages.length - 2 ? { ...m, content: [{ ...m.content[0], cache_control: ephemeral }] } : m,
      );
    const biller = new PromptCacheBiller();
    const system = [{ type: 'text', text: LONG }];
    biller.bill(request({ system, messages: withBreakpoints(turns(3)) }), 0);
    const grown = biller.bill(request({ system, messages: withBreakpoints(turns(5)) }), MINUTE);
    const upTo = (n: number) => T(LONG) + turns(n).reduce((sum, _m, i) => sum + T(`turn ${i}`), 0);
    assert.equal(grown.cache_read_input_tokens, upTo(3), 'the previous last breakpoint, two blocks back');
    assert.equal(grown.cache_creation_input_tokens, upTo(5) - upTo(3));
    assert.equal(grown.input_tokens, 0);

    const jumped = new PromptCacheBiller();
    jumped.bill(request({ system, messages: withBreakpoints(turns(3)) }), 0);
    const far = jumped.bill(request({ system, messages: withBreakpoints(turns(30)) }), MINUTE);
    assert.equal(
      far.cache_read_input_tokens,
      0,
      'the entry at block 3 lies more than 20 blocks before both breakpoints (29, 30)',
    );
    assert.equal(far.cache_creation_input_tokens, upTo(30));
  });

  it('reports a request that no longer starts with the prefix the previous one cached', () => {
    const biller = new PromptCacheBiller();
    const messages = [
      userSays('first'),
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: [{ type: 'text', text: 'second', cache_control: ephemeral }] },
    ];
    biller.bill(request({ system: systemCached(), messages }), 0);
    const changed = biller.bill(
      request({ system: systemCached(), messages: [userSays('FIRST'), ...messages.slice(1)] }),
      MINUTE,
    );
    assert.equal(changed.keptPreviousPrefix, false);
    assert.equal(changed.cache_read_input_tokens, T(LONG), 'only the system prompt still matches');
  });

  it('takes a top-level cache_control as a breakpoint on the last block', () => {
    const biller = new PromptCacheBiller();
    const body = request({
      system: [{ type: 'text', text: LONG }],
      messages: [userSays('q')],
      cache_control: ephemeral,
    });
    assert.equal(biller.bill(body, 0).cache_creation_input_tokens, T(LONG) + T('q'));
    assert.equal(biller.bill(body, MINUTE).cache_read_input_tokens, T(LONG) + T('q'));
  });

  it('refuses more than four breakpoints, as the API does', () => {
    const blocks = Array.from({ length: 5 }, (_, i) => ({ type: 'text', text: `part ${i}`, cache_control: ephemeral }));
    assert.throws(
      () => new PromptCacheBiller().bill(request({ system: blocks, messages: [userSays('q')] }), 0),
      /maximum of 4 blocks with cache_control/,
    );
  });
});
