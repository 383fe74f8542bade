import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { httpRequest } from '../helpers/http';
import { proxyHarness } from '../helpers/proxyHarness';

/** A request no agent sends: from a web page, or a body that decodes to far past the limit. */
type Hostile = 'page' | 'bomb';
const BOMB = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));

type Outcome = { kind: 'complete'; status: number; body: string } | { kind: 'cut' } | { kind: 'aborted' };

/**
 * One request on a kept-alive connection. `abortAfterFirstByte` makes the client go away
 * mid-stream; otherwise it resolves when the answer ends or the connection is cut, and a
 * watchdog fails the test if neither happens.
 */
function send(
  url: string,
  agent: Agent,
  i: number,
  options: { stream: boolean; openai: boolean; reset: boolean; abortAfterFirstByte: boolean; hostile?: Hostile },
): Promise<Outcome> {
  const path = options.openai ? '/v1/chat/completions' : '/v1/messages';
  let body: string | Buffer = JSON.stringify({
    model: 'm',
    max_tokens: 8,
    stream: options.stream,
    messages: [{ role: 'user', content: `soak ${i}` }],
  });
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'anthropic-version': options.openai ? '' : '2023-06-01',
    'x-soak': i,
    'content-length': Buffer.byteLength(body),
  };
  if (options.openai) delete headers['anthropic-version'];
  if (options.hostile === 'page') headers.origin = 'https://evil.example';
  if (options.hostile === 'bomb') {
    body = BOMB;
    headers['content-encoding'] = 'gzip';
    headers['content-length'] = BOMB.length;
  }
  if (options.reset) {
    headers['x-fake-reset-after'] = 600;
    if (i % 100 === 63) headers['x-fake-delay-ms'] = 2;
  }
  return new Promise((resolve, reject) => {
    const watchdog = setTimeout(() => reject(new Error(`request ${i} hung`)), 10_000);
    const done = (outcome: Outcome) => {
      clearTimeout(watchdog);
      resolve(outcome);
    };
    const req = request(`${url}${path}`, { method: 'POST', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.once('data', () => {
        if (options.abortAfterFirstByte) {
          req.destroy();
          done({ kind: 'aborted' });
        }
      });
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        done({ kind: 'complete', status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
      res.on('error', () => done({ kind: 'cut' }));
      res.on('aborted', () => done({ kind: 'cut' }));
    });
    req.on('error', () => done(options.abortAfterFirstByte ? { kind: 'aborted' } : { kind: 'cut' }));
    req.end(body);
  });
}

describe('proxy soak', () => {
  const h = proxyHarness();

  it('answers 2,000 sequential and concurrent requests completely, through client aborts, upstream resets and hostile requests among them', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 50 });
    const plan = Array.from({ length: 2_000 }, (_, i) => ({
      stream: i % 3 !== 0,
      openai: i % 2 === 0,
      abortAfterFirstByte: i % 3 !== 0 && i % 50 === 7,
      reset: i % 3 !== 0 && i % 50 === 13,
      hostile: (i % 50 === 29 ? 'page' : i % 50 === 31 ? 'bomb' : undefined) as Hostile | undefined,
    }));
    const outcomes: Outcome[] = [];
    for (let i = 0; i < 500; i++) outcomes.push(await send(h.proxy.url, agent, i, plan[i]));
    for (let start = 500; start < plan.length; start += 50) {
      outcomes.push(
        ...(await Promise.all(plan.slice(start, start + 50).map((p, k) => send(h.proxy.url, agent, start + k, p)))),
      );
    }

    const upstreamIndex = new Map(h.upstream.requests.map((r, k) => [Number(r.headers['x-soak']), k]));
    let complete = 0;
    const resetEndings = { beforeAnswer: 0, midStream: 0 };
    outcomes.forEach((outcome, i) => {
      if (plan[i].abortAfterFirstByte) return assert.equal(outcome.kind, 'aborted');
      const hostile = plan[i].hostile;
      if (hostile) {
        assert.ok(outcome.kind === 'complete' && outcome.status === (hostile === 'page' ? 403 : 413), `request ${i}`);
        return assert.equal(upstreamIndex.has(i), false, `request ${i} never reached the upstream`);
      }
      if (plan[i].reset) {
        const honest =
          outcome.kind === 'cut' ||
          (outcome.kind === 'complete' &&
            (outcome.status >= 500 || /event: error|"error"/.test(outcome.body.slice(-400))));
        if (outcome.kind === 'complete' && outcome.status >= 500) resetEndings.beforeAnswer++;
        else resetEndings.midStream++;
        return assert.ok(
          honest,
          `request ${i}: an upstream reset must end in an error or a cut connection, not look like a complete answer`,
        );
      }
      assert.equal(outcome.kind, 'complete', `request ${i}`);
      if (outcome.kind !== 'complete') return;
      assert.equal(outcome.status, 200, `request ${i}`);
      complete++;
      const k = upstreamIndex.get(i)!;
      if (plan[i].stream) assert.equal(outcome.body, h.upstream.streamed.get(k), `stream ${i} intact and not crossed`);
      else assert.match(outcome.body, new RegExp(`answer number ${k} from`), `answer ${i} is its own`);
    });
    assert.ok(complete >= 1_800, `${complete} complete answers`);
    assert.ok(
      resetEndings.beforeAnswer > 0 && resetEndings.midStream > 0,
      `resets before the answer and mid-stream both exercised: ${JSON.stringify(resetEndings)}`,
    );
    const health = await httpRequest(`${h.proxy.url}/headroom/health`);
    assert.equal(health.status, 200);
    agent.destroy();
  });
});
