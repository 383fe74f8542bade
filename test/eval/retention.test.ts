import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { measure, textNeedle } from '../../eval/retention';

describe("the evaluation's retention measure", () => {
  it('tells a needle in the output from one a retrieve brings back from one that is gone', async () => {
    const lines = Array.from(
      { length: 1_200 },
      (_, i) => `2026-11-26 10:00:00 INFO worker ${i % 7} processed batch ${i} in ${i % 13} ms`,
    );
    lines[600] = '2026-11-26 10:00:00 ERROR worker 3 failed: disk quota exceeded';
    const result = await measure('test log', [
      {
        content: lines.join('\n'),
        needles: [
          textNeedle('disk quota exceeded', 'disk quota'),
          textNeedle('processed batch 777 in', 'batch 777'),
          textNeedle('this text was never in the log', 'never'),
        ],
      },
    ]);
    assert.equal(result.needles, 3);
    assert.equal(result.inOutput, 1, 'the error line is kept');
    assert.equal(result.retrievable, 2, 'a repeated line comes back from a query-targeted retrieve');
    assert.ok(result.tokensAfter < result.tokensBefore / 5);
  });
});
