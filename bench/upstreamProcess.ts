/** The fake upstream in a process of its own, so the benchmark's client does not share its event loop. */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeUpstream } from '../test/helpers/fakeUpstream';

async function main(): Promise<void> {
  if (process.argv[2] === 'bare') {
    const target = new URL(process.argv[3]);
    const server = createServer((req, res) => {
      const upstream = request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    server.keepAliveTimeout = 60_000;
    server.listen(0, '127.0.0.1', () => process.send?.(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
    return;
  }
  const upstream = await startFakeUpstream();
  process.send?.(upstream.url);
}

void main();
