import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BlockAssembler } from '../../../src/proxy/retrieval/anthropicBlocks';

describe('BlockAssembler', () => {
  it('rebuilds thinking with its signature, text with citations, tool input from JSON fragments, and unknown blocks as started', () => {
    const blocks = new BlockAssembler();
    blocks.start(0, { type: 'thinking', thinking: '' });
    blocks.delta(0, { type: 'thinking_delta', thinking: 'The log shows ' });
    blocks.delta(0, { type: 'thinking_delta', thinking: 'one error.' });
    blocks.delta(0, { type: 'signature_delta', signature: 'EqQBCkgIAR' });
    blocks.stop(0);
    blocks.start(1, { type: 'text', text: '' });
    blocks.delta(1, { type: 'text_delta', text: 'See ' });
    blocks.delta(1, { type: 'citations_delta', citation: { type: 'char_location', cited_text: 'x' } });
    blocks.delta(1, { type: 'text_delta', text: 'line 177.' });
    blocks.stop(1);
    blocks.start(2, { type: 'tool_use', id: 'toolu_1', name: 'headroom_retrieve', input: {} });
    blocks.delta(2, { type: 'input_json_delta', partial_json: '{"hash":"abc' });
    blocks.delta(2, { type: 'input_json_delta', partial_json: 'def","limit":3}' });
    blocks.stop(2);
    blocks.start(3, { type: 'redacted_thinking', data: 'opaque==' });
    blocks.stop(3);
    assert.deepEqual(blocks.all(), [
      { type: 'thinking', thinking: 'The log shows one error.', signature: 'EqQBCkgIAR' },
      { type: 'text', text: 'See line 177.', citations: [{ type: 'char_location', cited_text: 'x' }] },
      { type: 'tool_use', id: 'toolu_1', name: 'headroom_retrieve', input: { hash: 'abcdef', limit: 3 } },
      { type: 'redacted_thinking', data: 'opaque==' },
    ]);
  });

  it('gives a tool call whose input never arrived an empty input rather than failing', () => {
    const blocks = new BlockAssembler();
    blocks.start(0, { type: 'tool_use', id: 't', name: 'x', input: {} });
    blocks.delta(0, { type: 'input_json_delta', partial_json: '{"trunc' });
    blocks.stop(0);
    assert.deepEqual(blocks.block(0)?.input, {});
  });
});
