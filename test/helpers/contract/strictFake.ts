import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { ApiKit, Json } from './apiKit';
import { fakeModelTurn } from './fakeModel';

export interface StrictRequest {
  kit: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The rule the request broke, when the fake refused it. */
  rejected?: string;
  /** Set when the client (the proxy) went away before the answer was complete. */
  aborted: boolean;
}

export interface StrictFake {
  url: string;
  requests: StrictRequest[];
  close(): Promise<void>;
}

const DECODERS: Record<string, (data: Buffer) => Buffer> = {
  gzip: gunzipSync,
  br: brotliDecompressSync,
  deflate: inflateSync,
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One fake upstream for every API of the contract suite: each request is checked against its
 * API's documented rules (a broken rule gets the API's 400), then answered by the fake model
 * in that API's shapes. Headers steer it: `x-fake-script` (the model's behaviour, else the
 * `script` it was started with),
 * `x-fake-status` (an error answer), `x-fake-status-after-retrieval` (an error answer to a request
 * that continues after a retrieval), `x-fake-delay-ms` (a pause between stream events).
 */
export async function startStrictFake(kits: readonly ApiKit[], options: { script?: string } = {}): Promise<StrictFake> {
  const requests: StrictRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const kit = kits.find((k) => k.matches(url.pathname));
    const record: StrictRequest = {
      kit: kit?.name ?? 'none',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks),
      aborted: false,
    };
    const number = requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.aborted = true;
    });
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (!kit) return answer(404, { error: `no fake API at ${url.pathname}` });
    const status = Number(req.headers['x-fake-status'] ?? 0);
    if (status)
      return answer(status, kit.errorBody(status, `fake ${status}`), {
        'retry-after': '17',
        'x-request-id': 'req_fake_error',
      });
    let body: Json;
    try {
      const encoding = req.headers['content-encoding'];
      const decode = encoding ? DECODERS[encoding] : (data: Buffer) => data;
      if (!decode) throw new Error(`unsupported content-encoding ${encoding}`);
      body = JSON.parse(decode(record.body).toString('utf8')) as Json;
    } catch (error) {
      record.rejected = (error as Error).message;
      return answer(400, kit.errorBody(400, record.rejected));
    }
    record.rejected = kit.validate(body, url.pathname);
    if (record.rejected) return answer(400, kit.errorBody(400, record.rejected));

    const stream = body.stream === true || url.pathname.endsWith(':streamGenerateContent');
    const view = kit.view(body);
    const late = Number(req.headers['x-fake-status-after-retrieval'] ?? 0);
    if (late && view.outputs.some((output) => output.name === 'headroom_retrieve'))
      return answer(late, kit.errorBody(late, `fake ${late}`));
    const turn = fakeModelTurn(String(req.headers['x-fake-script'] ?? options.script ?? 'answer'), view, number);
    const events = kit.respond(turn, body, stream, number);
    if (!stream) {
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': `req_${number}` });
      res.end(events[0]);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const delay = Number(req.headers['x-fake-delay-ms'] ?? 0);
    for (const event of events) {
      if (res.destroyed) return;
      res.write(event);
      if (delay) await sleep(delay);
    }
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
