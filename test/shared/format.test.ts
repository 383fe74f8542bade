import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDollars, formatPercent, formatTokens } from '../../src/shared/format';

describe('formatTokens', () => {
  it('keeps small counts whole and scales large ones to K, M and B', () => {
    assert.equal(formatTokens(0), '0');
    assert.equal(formatTokens(950), '950');
    assert.equal(formatTokens(12_345), '12.3K');
    assert.equal(formatTokens(1_234_567), '1.2M');
    assert.equal(formatTokens(250_000), '250K');
    assert.equal(formatTokens(3_000_000_000), '3B');
  });

  it('rounds up to the next unit instead of printing 1000K', () => {
    assert.equal(formatTokens(999_999), '1M');
    assert.equal(formatTokens(999), '999');
  });

  it('keeps the sign of a negative count (a compression that grew)', () => {
    assert.equal(formatTokens(-12_000), '-12K');
  });
});

describe('formatPercent and formatDollars', () => {
  it('rounds shares and does not show a real saving as 0%', () => {
    assert.equal(formatPercent(0.6449), '64%');
    assert.equal(formatPercent(0.001), '<1%');
    assert.equal(formatPercent(0), '0%');
  });

  it('shows cents, thousands separators and sub-cent savings', () => {
    assert.equal(formatDollars(1234.5), '$1,234.50');
    assert.equal(formatDollars(0.004), '<$0.01');
    assert.equal(formatDollars(0), '$0.00');
  });
});
