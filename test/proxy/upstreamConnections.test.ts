import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { anthropicKit } from '../helpers/contract/anthropicKit';
import { httpRequest } from '../helpers/http';
import { proxyHarness } from '../helpers/proxyHarness';

/**
 * An upstream that answers one request per kept-alive connection and then closes that
 * connection as the next request arrives on it, before reading it: what a provider's load
 * balancer does to a connection it has just timed out.
 */
async function closingUpstream() {
  const connections: Socket[] = [];
  let answered = 0;
  const server = createServer((socket) => {
    connections.push(socket);
    let served = false;
    socket.on('data', (chunk: Buffer) => {
      if (served) {
        socket.destroy();
        return;
      }
      if (!chunk.includes('\r\n\r\n')) return;
      served = true;
      answered++;
      const body = JSON.stringify({
        id: `msg_${answered}`,
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5',
        content: [{ type: 'text', text: 'ok' }],
        stop_reason: 'end_turn',
        usage: { input_tokens: 10, output_tokens: 1 },
      });
      socket.write(
        `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: keep-alive\r\n\r\n${body}`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    connections,
    answered: () => answered,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of connections) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('connections to the upstream', () => {
  const h = proxyHarness({ upstream: closingUpstream });
  const body = JSON.stringify({
    model: 'claude-sonnet-4-5',
    max_tokens: 10,
    messages: [{ role: 'user', content: 'hi' }],
  });

  it('sends a request again on a new connection when the kept-alive one it reused was closed under it', async () => {
    for (let i = 1; i <= 3; i++) {
      const answer = await httpRequest(`${h.proxy.url}/v1/messages`, { headers: anthropicKit.headers, body });
      assert.equal(answer.status, 200, answer.body.toString());
      assert.equal((JSON.parse(answer.body.toString()) as { id: string }).id, `msg_${i}`);
    }
    assert.equal(h.upstream.answered(), 3);
    assert.equal(h.upstream.connections.length, 3, 'each retry went out on a connection of its own');
  });
});
