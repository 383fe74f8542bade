import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fetchesUnasked, RETRY_AFTER_MS, whyBm25, type FetchSituation } from '../../src/extension/fetchPolicy';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const missing: FetchSituation = { enabled: true, inPlace: false, declined: false, failure: undefined, now: NOW };
const failedAt = (at: number): FetchSituation => ({
  ...missing,
  failure: { at, message: 'https://huggingface.co/…: getaddrinfo ENOTFOUND huggingface.co' },
});

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
    assert.equal(fetchesUnasked(failedAt(NOW - 60_000)), false);
    assert.equal(fetchesUnasked(failedAt(NOW - RETRY_AFTER_MS + 1)), false);
    assert.equal(fetchesUnasked(failedAt(NOW - RETRY_AFTER_MS)), true);
  });
});

describe('why relevance is BM25 alone, as the panel says it', () => {
  it('names the setting, the cancelled download, the failure, or the download under way', () => {
    assert.equal(
      whyBm25({ ...missing, enabled: false }),
      'relevance by meaning is turned off (headroom.embeddings.enabled)',
    );
    assert.equal(
      whyBm25({ ...missing, declined: true }),
      'the embedding model download was cancelled; "Headroom: Download Embedding Model" fetches it',
    );
    assert.equal(
      whyBm25(failedAt(NOW - 60_000)),
      'the embedding model could not be downloaded: https://huggingface.co/…: getaddrinfo ENOTFOUND huggingface.co',
    );
    assert.equal(whyBm25(missing), 'the embedding model is downloading');
    assert.equal(
      whyBm25(failedAt(NOW - RETRY_AFTER_MS)),
      'the embedding model is downloading',
      'a day later it is tried again',
    );
  });
});
