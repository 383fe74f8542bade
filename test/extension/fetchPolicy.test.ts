import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fetchesUnasked, RETRY_AFTER_MS, type FetchSituation } from '../../src/extension/fetchPolicy';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const missing: FetchSituation = { enabled: true, inPlace: false, declined: false, failedAt: undefined, now: NOW };

describe('when the embedding model is downloaded without being asked', () => {
  it('downloads on first use when it is on and missing', () => {
    assert.equal(fetchesUnasked(missing), true);
  });

  it('does not when it is off, already there, or the user cancelled a download', () => {
    assert.equal(fetchesUnasked({ ...missing, enabled: false }), false);
    assert.equal(fetchesUnasked({ ...missing, inPlace: true }), false);
    assert.equal(fetchesUnasked({ ...missing, declined: true }), false);
  });

  it('after a failure, waits a day before trying (and warning) again at a window start', () => {
    assert.equal(fetchesUnasked({ ...missing, failedAt: NOW - 60_000 }), false);
    assert.equal(fetchesUnasked({ ...missing, failedAt: NOW - RETRY_AFTER_MS + 1 }), false);
    assert.equal(fetchesUnasked({ ...missing, failedAt: NOW - RETRY_AFTER_MS }), true);
  });
});
