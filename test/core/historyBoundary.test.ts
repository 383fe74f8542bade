import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compress } from '../../src/core/compress';
import { historyBoundary, historyReach, type HistorySettings } from '../../src/core/historyBoundary';
import { MemoryStore } from '../../src/core/memoryStore';

const settings: HistorySettings = { thresholdTokens: 1_000, keepTurns: 2, minTokens: 10 };

/** Source the model printed with `cat`: nothing in it repeats, so only history compresses it. */
function printedSource(t: number, lines: number): string {
  return Array.from(
    { length: lines },
    (_, i) => `  const value${t}x${i} = compute(input${i}, options.scale * ${i}); // step ${i} of pass ${t}`,
  ).join('\n');
}

/** A tool loop of `turns` model calls, each answered by a tool output of `lines` lines. */
function conversation(turns: number, lines: number) {
  const messages: Array<Record<string, unknown>> = [{ role: 'user', content: 'Find why the job failed.' }];
  for (let t = 0; t < turns; t++) {
    messages.push({
      role: 'assistant',
      content: [{ type: 'tool_use', id: `t${t}`, name: 'Bash', input: { command: `cat src/pass${t}.js` } }],
    });
    messages.push({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: `t${t}`, content: printedSource(t, lines) }],
    });
  }
  return messages;
}

describe('history checkpoints', () => {
  it('moves the boundary only when the reads still to come pay for the rewrite', () => {
    const messages = conversation(40, 60);
    const reach = historyReach(messages, settings);
    assert.equal(reach, 77, "the model's last two turns and what follows them stay");
    const each = (share: number) =>
      messages.map((m) => (m.role === 'user' && Array.isArray(m.content) ? 1_000 * share : 0));
    assert.equal(
      historyBoundary(messages, settings, each(0.01), 'lookback').checkpoints,
      0,
      'saving 1% never pays for a rewrite',
    );
    const plan = historyBoundary(messages, settings, each(0.9), 'lookback');
    assert.ok(plan.checkpoints >= 1 && plan.before > 0 && plan.before <= reach);
    const shorter = historyBoundary(conversation(6, 60), settings, each(0.9), 'lookback');
    assert.equal(shorter.checkpoints, 0, 'six turns in, too few turns are expected to follow');
  });

  it("counts a rewrite from the change when the change lies within Anthropic's 20-block look-back", () => {
    const compact = conversation(40, 60);
    // The same turns with each message split into eleven blocks: the change lies beyond the look-back.
    const split = compact.map((m) =>
      Array.isArray(m.content)
        ? {
            ...m,
            content: [...(m.content as unknown[]), ...Array.from({ length: 10 }, () => ({ type: 'text', text: '.' }))],
          }
        : m,
    );
    const each = (messages: typeof compact) =>
      messages.map((m) => (m.role === 'user' && Array.isArray(m.content) ? 1_000 : 0));
    const near = historyBoundary(compact, settings, each(compact), 'lookback');
    const far = historyBoundary(split, settings, each(split), 'lookback');
    const anyPrefix = historyBoundary(compact, settings, each(compact), 'from-change');
    assert.equal(
      near.checkpoints,
      anyPrefix.checkpoints,
      'within the look-back, a rewrite costs what it costs on OpenAI',
    );
    assert.ok(
      far.checkpoints < near.checkpoints,
      `beyond it the whole conversation is rewritten: ${far.checkpoints} < ${near.checkpoints}`,
    );
  });

  it('decides the same for every request of a conversation: the rewritten prefix stays byte-stable', async () => {
    const store = new MemoryStore();
    const messages = conversation(60, 80);
    const sent: string[] = [];
    let checkpoints = 0;
    for (let end = 3; end <= messages.length; end += 2) {
      const result = await compress(messages.slice(0, end), {
        format: 'anthropic',
        store,
        history: settings,
        minTokens: 200,
      });
      sent.push(JSON.stringify(result.messages));
      if (result.history?.rewritesNow) checkpoints++;
    }
    assert.ok(checkpoints >= 1, 'a long conversation gets a checkpoint');
    let changes = 0;
    for (let i = 1; i < sent.length; i++) {
      const previous = sent[i - 1].slice(0, -1);
      if (!sent[i].startsWith(previous)) changes++;
    }
    assert.equal(changes, checkpoints, 'bytes already sent change only at a checkpoint, once each');
  });

  it('gives an output the same history form whenever it is computed: after a restart, or once the memo lost it', async () => {
    const messages = conversation(60, 80);
    // The model names in its next turn what it found in the output before; long after the first
    // computation it names lines of the first outputs again.
    for (let t = 1; t < 60; t++) {
      const later = t >= 45 ? ' Back to value0x50, value1x50 and value4x50.' : '';
      (messages[2 * t + 1].content as Array<Record<string, unknown>>).push({
        type: 'text',
        text: `Found value${t - 1}x3.${later}`,
      });
    }
    const early = await compress(messages.slice(0, 81), {
      format: 'anthropic',
      store: new MemoryStore(),
      history: settings,
      minTokens: 200,
    });
    const late = await compress(messages, {
      format: 'anthropic',
      store: new MemoryStore(),
      history: settings,
      minTokens: 200,
    });
    assert.ok(
      (early.history?.before ?? 0) > 10 && (late.history?.before ?? 0) > 10,
      'both see the first outputs as history',
    );
    for (const index of [2, 4, 10])
      assert.equal(JSON.stringify(late.messages[index]), JSON.stringify(early.messages[index]), `message ${index}`);
  });

  it('leaves a short conversation alone', async () => {
    const result = await compress(conversation(3, 60), {
      format: 'anthropic',
      store: new MemoryStore(),
      history: { thresholdTokens: 100_000 },
    });
    assert.equal(result.history?.before, 0);
  });
});
