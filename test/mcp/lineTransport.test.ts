import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { LineTransport } from '../../src/mcp/lineTransport';

function harness(maxMessageBytes = 1024) {
  const input = new PassThrough();
  const output = new PassThrough();
  const transport = new LineTransport(input, output, maxMessageBytes);
  const messages: JSONRPCMessage[] = [];
  const errors: string[] = [];
  let closed = false;
  transport.onmessage = (m) => messages.push(m);
  transport.onerror = (e) => errors.push(e.message);
  transport.onclose = () => (closed = true);
  return { input, output, transport, messages, errors, isClosed: () => closed };
}

const ping = (id: number) => JSON.stringify({ jsonrpc: '2.0', id, method: 'ping' });

describe('LineTransport', () => {
  it('assembles messages split across chunks at any byte, CRLF or LF, several per chunk', async () => {
    const { input, transport, messages } = harness();
    await transport.start();
    const stream = Buffer.from(
      `${ping(1)}\r\n${ping(2)}\n\n${JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'x', params: { text: 'héllo ✓' } })}\n`,
    );
    for (let i = 0; i < stream.length; i += 7) input.write(stream.subarray(i, i + 7));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      messages.map((m) => (m as { id: number }).id),
      [1, 2, 3],
    );
    assert.equal(
      (messages[2] as unknown as { params: { text: string } }).params.text,
      'héllo ✓',
      'a multi-byte character split between chunks survives',
    );
  });

  it('skips a line that is not JSON, not JSON-RPC, or too long, reports it, and reads on', async () => {
    const { input, transport, messages, errors } = harness(64);
    await transport.start();
    input.write('not json\n{"hello":"world"}\n');
    input.write(`{"jsonrpc":"2.0","id":9,"method":"${'x'.repeat(100)}`);
    input.write(`${'y'.repeat(100)}"}\n${ping(4)}\n`);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      messages.map((m) => (m as { id: number }).id),
      [4],
    );
    assert.equal(errors.length, 3);
    assert.match(errors[0], /not JSON:/);
    assert.match(errors[1], /not JSON-RPC: /);
    assert.match(errors[2], /over 0 MB|over \d+ MB/);
  });

  it('writes one line per message and closes when its input ends', async () => {
    const { input, output, transport, isClosed } = harness();
    await transport.start();
    let written = '';
    output.on('data', (chunk: Buffer) => (written += chunk.toString()));
    await transport.send({ jsonrpc: '2.0', id: 5, result: {} });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(written, '{"jsonrpc":"2.0","id":5,"result":{}}\n');
    input.end();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(isClosed(), true);
    await assert.rejects(transport.send({ jsonrpc: '2.0', id: 6, result: {} }), /closed/);
  });
});
