/**
 * `npm run bench:sessions [FOLDER]`: replays recorded coding-agent sessions (../shared/sessions
 * by default; any folder in that format) through the Headroom proxy and, alternately, directly,
 * against a fake Anthropic API that bills like its prompt cache, and prints what the bill was
 * in each lane, what broke the cache, the latency the proxy added, which kinds of tool output
 * the saving came from, whether anything the agent later typed had gone missing, and what the
 * proxy's own stats claim. Writes the same tables to docs/sessions.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requestCost } from '../src/core/pricing';
import { countTokens } from '../src/core/tokens';
import { markerHashes } from '../src/core/marker';
import type { CacheBill } from '../test/helpers/promptCacheBilling';
import { REPO_ROOT } from '../test/helpers/corpora';
import { checkAnswer, type MissingString } from './sessions/informationCheck';
import { ReplayUpstream, type UpstreamCall } from './sessions/replayUpstream';
import { readSessions, requestLines, type Session } from './sessions/sessionFiles';
import { TOOL_OUTPUT_KINDS, toolOutputKind, type ToolOutputKind } from './sessions/toolOutputKinds';
import { sharedFolder } from './sharedData';
import { API_TOKEN_HEADER } from '../src/proxy/apiToken';
import { findRunningProxy } from '../src/proxy/discovery';

type Json = Record<string, unknown>;

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

interface Lane {
  uncached: number;
  write: number;
  read: number;
  dollars: number;
  /** The dollars split between plain input, cache writes and cache reads. */
  uncachedDollars: number;
  writeDollars: number;
  readDollars: number;
  brokenPrefixes: number;
  rejected: number;
}

interface KindTally {
  outputs: number;
  /** Tokens of each output the first time it was sent, as the agent had it and as forwarded. */
  firstBefore: number;
  firstAfter: number;
  /** Tokens saved summed over every request that carried the output (each later turn re-reads it). */
  resentSaved: number;
}

interface SessionResult {
  session: Session;
  requests: number;
  toolOutputShare: number;
  direct: Lane;
  proxy: Lane;
  addedMs: number[];
  answersDiffer: number;
  kinds: Map<ToolOutputKind, KindTally>;
  checked: number;
  missing: Array<MissingString & { retrievable: boolean }>;
  claimedDollars: number;
  /** Deliberate, counted cache breaks the proxy made (history checkpoints), as its stats report them. */
  checkpoints: number;
  items: { listed: number; distinct: number };
  priceUnknown: boolean;
  /** What the fake API said when it refused a request, in either lane. */
  rejections: string[];
}

const emptyLane = (): Lane => ({
  uncached: 0,
  write: 0,
  read: 0,
  dollars: 0,
  uncachedDollars: 0,
  writeDollars: 0,
  readDollars: 0,
  brokenPrefixes: 0,
  rejected: 0,
});

function startHeadroom(
  upstream: string,
  dir: string,
): Promise<{ url: string; process: ChildProcess; apiToken: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      [
        join(REPO_ROOT, 'dist', 'cli.mjs'),
        'proxy',
        '--port',
        '0',
        '--store',
        join(dir, 'store.sqlite'),
        '--anthropic-upstream',
        upstream,
        '--no-embeddings',
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, HEADROOM_HOME: dir },
      },
    );
    proc.once('error', reject);
    proc.stdout!.once('data', (line: Buffer) => {
      const url = /http:\/\/\S+/.exec(line.toString())?.[0];
      // The loopback API's secret, from the discovery file beside the store, as the CLI reads it.
      const apiToken = findRunningProxy(join(dir, 'store.sqlite'))?.apiToken;
      if (url && apiToken) resolve({ url, process: proc, apiToken });
      else reject(new Error(`headroom proxy said: ${line.toString()}`));
    });
  });
}

/** POSTs a body and reads the answer; streamed answers are rebuilt into content blocks. */
function post(url: string, body: string): Promise<{ ms: number; status: number; content: unknown }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const payload = Buffer.from(body);
    const req = request(
      `${url}/v1/messages`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'x-api-key': 'sk-ant-bench',
          'anthropic-version': '2023-06-01',
          'content-length': payload.length,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const ms = performance.now() - started;
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            ms,
            status: res.statusCode ?? 0,
            content: /event-stream/.test(String(res.headers['content-type']))
              ? streamedContent(text)
              : (JSON.parse(text) as Json).content,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function streamedContent(text: string): Json[] {
  const blocks: Json[] = [];
  const json: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('data: ')) continue;
    const event = JSON.parse(line.slice(6)) as Json;
    const index = Number(event.index);
    if (event.type === 'content_block_start') {
      blocks[index] = { ...(event.content_block as Json) };
      json[index] = '';
    } else if (event.type === 'content_block_delta') {
      const delta = event.delta as Json;
      const block = blocks[index];
      if (delta.type === 'text_delta') block.text = String(block.text ?? '') + String(delta.text);
      else if (delta.type === 'thinking_delta') block.thinking = String(block.thinking ?? '') + String(delta.thinking);
      else if (delta.type === 'signature_delta') block.signature = String(delta.signature);
      else if (delta.type === 'input_json_delta') json[index] += String(delta.partial_json);
    } else if (event.type === 'content_block_stop' && blocks[index].type === 'tool_use') {
      blocks[index].input = json[index] ? JSON.parse(json[index]) : {};
    }
  }
  return blocks;
}

function getJson(url: string, apiToken: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    request(url, { agent, headers: { [API_TOKEN_HEADER]: apiToken } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve(/json/.test(String(res.headers['content-type'])) ? JSON.parse(text) : text);
      });
    })
      .on('error', reject)
      .end();
  });
}

const blocksOf = (message: Json): Json[] => (Array.isArray(message.content) ? (message.content as Json[]) : []);
const resultText = (block: Json): string =>
  typeof block.content === 'string'
    ? block.content
    : Array.isArray(block.content)
      ? (block.content as Json[]).map((p) => (p.type === 'text' ? String(p.text) : '')).join('\n')
      : '';

/** The tool outputs of a request body by tool_use_id, and the calls that produced them. */
function toolOutputs(body: Json): { outputs: Map<string, string>; calls: Map<string, Json> } {
  const outputs = new Map<string, string>();
  const calls = new Map<string, Json>();
  for (const message of (body.messages as Json[]) ?? []) {
    for (const block of blocksOf(message)) {
      if (block.type === 'tool_use') calls.set(String(block.id), block);
      else if (block.type === 'tool_result') outputs.set(String(block.tool_use_id), resultText(block));
    }
  }
  return { outputs, calls };
}

const tokenMemo = new Map<string, number>();
function tokens(text: string): number {
  let count = tokenMemo.get(text);
  if (count === undefined) {
    count = countTokens(text);
    tokenMemo.set(text, count);
  }
  return count;
}

/** Sums the bills of the upstream calls one client request caused (a retrieval loop makes several). */
function addBills(lane: Lane, calls: UpstreamCall[], model: string): boolean {
  let priced = true;
  for (const call of calls) {
    const bill: CacheBill = call.bill;
    lane.uncached += bill.input_tokens;
    lane.write += bill.cache_creation_input_tokens;
    lane.read += bill.cache_read_input_tokens;
    if (bill.keptPreviousPrefix === false) lane.brokenPrefixes++;
    const tokens = {
      input: bill.input_tokens,
      cacheRead: bill.cache_read_input_tokens,
      cacheWrite5m: bill.cache_creation.ephemeral_5m_input_tokens,
      cacheWrite1h: bill.cache_creation.ephemeral_1h_input_tokens,
      output: 0,
    };
    const cost = requestCost(model, tokens);
    if (!cost) {
      priced = false;
      continue;
    }
    lane.dollars += cost.input;
    // Each part priced alone, then scaled so the parts add up to the request's price (a long-context tier applies to the whole).
    const none = { input: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, output: 0 };
    const parts = [
      requestCost(model, { ...none, input: tokens.input })!.input,
      requestCost(model, { ...none, cacheWrite5m: tokens.cacheWrite5m, cacheWrite1h: tokens.cacheWrite1h })!.input,
      requestCost(model, { ...none, cacheRead: tokens.cacheRead })!.input,
    ];
    const scale = cost.input / Math.max(Number.EPSILON, parts[0] + parts[1] + parts[2]);
    lane.uncachedDollars += parts[0] * scale;
    lane.writeDollars += parts[1] * scale;
    lane.readDollars += parts[2] * scale;
  }
  return priced;
}

async function replay(session: Session): Promise<SessionResult> {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-sessions-'));
  const direct = await new ReplayUpstream().start();
  const proxied = await new ReplayUpstream().start();
  const headroom = await startHeadroom(proxied.url, dir);
  const result: SessionResult = {
    session,
    requests: 0,
    toolOutputShare: 0,
    direct: emptyLane(),
    proxy: emptyLane(),
    addedMs: [],
    answersDiffer: 0,
    kinds: new Map(),
    checked: 0,
    missing: [],
    claimedDollars: 0,
    checkpoints: 0,
    items: { listed: 0, distinct: 0 },
    priceUnknown: false,
    rejections: [],
  };
  const seen = new Set<string>();
  let toolTokens = 0;
  let promptTokens = 0;
  let now = 0;
  try {
    const lines = requestLines(session);
    let line = (await lines.next()).value as string | undefined;
    let body = line === undefined ? undefined : (JSON.parse(line) as Json);
    for (let k = 0; line !== undefined && body !== undefined; k++) {
      // The answer to request k is the message request k + 1 adds after request k's messages.
      const next = (await lines.next()).value as string | undefined;
      const nextBody = next === undefined ? undefined : (JSON.parse(next) as Json);
      const messages = body.messages as Json[];
      const answer = nextBody ? blocksOf((nextBody.messages as Json[])[messages.length]) : session.lastAnswer;
      now = session.answeredAt[k] ?? now;
      direct.expect(answer, now);
      proxied.expect(answer, now);

      const directBefore = direct.calls.length;
      const proxyBefore = proxied.calls.length;
      const lanes =
        k % 2 === 0
          ? [() => post(direct.url, line!), () => post(headroom.url, line!)]
          : [() => post(headroom.url, line!), () => post(direct.url, line!)];
      const first = await lanes[0]();
      const second = await lanes[1]();
      const [directAnswer, proxyAnswer] = k % 2 === 0 ? [first, second] : [second, first];
      const directCalls = direct.calls.slice(directBefore);
      const proxyCalls = proxied.calls.slice(proxyBefore);
      if (directAnswer.status !== 200) result.direct.rejected++;
      if (proxyAnswer.status !== 200) result.proxy.rejected++;
      if (JSON.stringify(directAnswer.content) !== JSON.stringify(proxyAnswer.content)) result.answersDiffer++;
      const own = (calls: UpstreamCall[]) => calls.reduce((sum, c) => sum + c.ownMs, 0);
      result.addedMs.push(proxyAnswer.ms - own(proxyCalls) - (directAnswer.ms - own(directCalls)));
      if (!addBills(result.direct, directCalls, session.model) || !addBills(result.proxy, proxyCalls, session.model))
        result.priceUnknown = true;
      result.requests++;

      // What the proxy forwarded, output by output, against what the agent had.
      const original = toolOutputs(body);
      const forwardedBody = proxyCalls[0]?.body ?? line;
      const forwarded = toolOutputs(JSON.parse(forwardedBody) as Json).outputs;
      const billed = directCalls[0]?.bill;
      if (billed)
        promptTokens += billed.input_tokens + billed.cache_creation_input_tokens + billed.cache_read_input_tokens;
      for (const [id, text] of original.outputs) {
        const call = original.calls.get(id);
        const kind = toolOutputKind(String(call?.name ?? ''), (call?.input as Json) ?? {});
        const tally = result.kinds.get(kind) ?? { outputs: 0, firstBefore: 0, firstAfter: 0, resentSaved: 0 };
        result.kinds.set(kind, tally);
        const before = tokens(text);
        const after = tokens(forwarded.get(id) ?? text);
        toolTokens += before;
        tally.resentSaved += before - after;
        if (!seen.has(id)) {
          seen.add(id);
          tally.outputs++;
          tally.firstBefore += before;
          tally.firstAfter += after;
        }
      }

      const check = checkAnswer(k, answer, original.outputs, forwardedBody);
      result.checked += check.checked;
      for (const missing of check.missing) {
        const hashes = missing.outputs.flatMap((id) => markerHashes(forwarded.get(id) ?? ''));
        let retrievable = false;
        for (const hash of hashes) {
          const original = await getJson(`${headroom.url}/headroom/items/${hash}`, headroom.apiToken);
          if (typeof original === 'string' && original.includes(missing.text)) retrievable = true;
        }
        result.missing.push({ ...missing, retrievable });
      }
      line = next;
      body = nextBody;
    }
    result.toolOutputShare = promptTokens ? toolTokens / promptTokens : 0;
    const stats = (await getJson(`${headroom.url}/headroom/stats`, headroom.apiToken)) as {
      allTime: { dollarsSaved: number; checkpoints: number };
    };
    result.claimedDollars = stats.allTime.dollarsSaved;
    result.checkpoints = stats.allTime.checkpoints;
    result.items = await listedItems(headroom.url, headroom.apiToken);
    result.rejections = [...direct.rejected, ...proxied.rejected];
  } finally {
    headroom.process.kill('SIGTERM');
    await new Promise((resolve) => headroom.process.once('exit', resolve));
    await direct.close();
    await proxied.close();
    rmSync(dir, { recursive: true, force: true });
    tokenMemo.clear();
  }
  return result;
}

async function listedItems(url: string, apiToken: string): Promise<{ listed: number; distinct: number }> {
  const hashes: string[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = (await getJson(`${url}/headroom/items?limit=500&offset=${offset}`, apiToken)) as {
      total: number;
      items: Array<{ hash: string }>;
    };
    hashes.push(...page.items.map((i) => i.hash));
    if (page.items.length < 500) return { listed: page.total, distinct: new Set(hashes).size };
  }
}

// ---- tables ----

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const usd = (n: number) => `$${n.toFixed(n >= 100 ? 0 : 2)}`;
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
};
const row = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
const table = (header: string[], rows: Array<Array<string | number>>) =>
  [row(header), row(header.map(() => '---')), ...rows.map(row)].join('\n');

function report(results: SessionResult[]): string {
  const sum = (f: (r: SessionResult) => number) => results.reduce((s, r) => s + f(r), 0);
  const lane = (pick: (r: SessionResult) => Lane): Lane => ({
    uncached: sum((r) => pick(r).uncached),
    write: sum((r) => pick(r).write),
    read: sum((r) => pick(r).read),
    dollars: sum((r) => pick(r).dollars),
    uncachedDollars: sum((r) => pick(r).uncachedDollars),
    writeDollars: sum((r) => pick(r).writeDollars),
    readDollars: sum((r) => pick(r).readDollars),
    brokenPrefixes: sum((r) => pick(r).brokenPrefixes),
    rejected: sum((r) => pick(r).rejected),
  });
  const allMs = results.flatMap((r) => r.addedMs);
  const totals = {
    requests: sum((r) => r.requests),
    direct: lane((r) => r.direct),
    proxy: lane((r) => r.proxy),
    share:
      sum((r) => r.toolOutputShare * r.requests) /
      Math.max(
        1,
        sum((r) => r.requests),
      ),
    claimed: sum((r) => r.claimedDollars),
    checkpoints: sum((r) => r.checkpoints),
    unplannedBreaks: sum((r) => Math.max(0, r.proxy.brokenPrefixes - r.checkpoints - r.direct.brokenPrefixes)),
  };
  const saved = (d: Lane, p: Lane) =>
    `${usd(d.dollars - p.dollars)} (${pct(d.dollars ? (d.dollars - p.dollars) / d.dollars : 0)})`;
  const sessionRows = results.map((r) => [
    r.session.id,
    r.requests,
    pct(r.toolOutputShare),
    `${int(r.direct.uncached)} / ${int(r.direct.write)} / ${int(r.direct.read)}`,
    `${int(r.proxy.uncached)} / ${int(r.proxy.write)} / ${int(r.proxy.read)}`,
    usd(r.direct.dollars),
    usd(r.proxy.dollars),
    saved(r.direct, r.proxy),
    usd(r.claimedDollars),
    `${r.direct.brokenPrefixes} / ${r.proxy.brokenPrefixes} (${r.checkpoints})`,
    `${percentile(r.addedMs, 50).toFixed(1)} / ${percentile(r.addedMs, 95).toFixed(1)}`,
  ]);
  sessionRows.push([
    '**total**',
    totals.requests,
    pct(totals.share),
    `${int(totals.direct.uncached)} / ${int(totals.direct.write)} / ${int(totals.direct.read)}`,
    `${int(totals.proxy.uncached)} / ${int(totals.proxy.write)} / ${int(totals.proxy.read)}`,
    usd(totals.direct.dollars),
    usd(totals.proxy.dollars),
    `**${saved(totals.direct, totals.proxy)}**`,
    usd(totals.claimed),
    `${totals.direct.brokenPrefixes} / ${totals.proxy.brokenPrefixes} (${totals.checkpoints})`,
    `${percentile(allMs, 50).toFixed(1)} / ${percentile(allMs, 95).toFixed(1)}`,
  ]);

  const kinds = new Map<ToolOutputKind, KindTally>();
  for (const r of results) {
    for (const [kind, t] of r.kinds) {
      const total = kinds.get(kind) ?? { outputs: 0, firstBefore: 0, firstAfter: 0, resentSaved: 0 };
      kinds.set(kind, {
        outputs: total.outputs + t.outputs,
        firstBefore: total.firstBefore + t.firstBefore,
        firstAfter: total.firstAfter + t.firstAfter,
        resentSaved: total.resentSaved + t.resentSaved,
      });
    }
  }
  const allSaved = [...kinds.values()].reduce((s, t) => s + t.resentSaved, 0);
  const allFirst = [...kinds.values()].reduce((s, t) => s + t.firstBefore, 0);
  const kindRows = TOOL_OUTPUT_KINDS.filter((k) => kinds.has(k)).map((k) => {
    const t = kinds.get(k)!;
    return [
      k,
      t.outputs,
      `${pct(allFirst ? t.firstBefore / allFirst : 0)}`,
      `${int(t.firstBefore)} → ${int(t.firstAfter)}`,
      pct(t.firstBefore ? 1 - t.firstAfter / t.firstBefore : 0),
      int(t.resentSaved),
      pct(allSaved ? t.resentSaved / allSaved : 0),
    ];
  });

  const missing = results.flatMap((r) => r.missing.map((m) => ({ session: r.session.id, ...m })));
  const checked = sum((r) => r.checked);
  const rejected = totals.direct.rejected + totals.proxy.rejected;
  const reasons = [...new Set(results.flatMap((r) => r.rejections))].slice(0, 5);
  const differ = sum((r) => r.answersDiffer);
  const unknown = results.filter((r) => r.priceUnknown).map((r) => r.session.id);
  const items = results.map((r) => r.items);

  return [
    `Replayed ${results.length} sessions (${totals.requests} requests) through the proxy and directly, against a fake Anthropic API that bills like its prompt cache (reads 0.1×, 5-minute writes 1.25×, 1-hour writes 2×, the model's minimum cacheable length, entries expiring at the recorded gaps). Dollars are input only (the answers are the recorded ones, the same in both lanes), at list prices from @pydantic/genai-prices. Tokens are o200k_base counts, an estimate of Claude's.`,
    '',
    table(
      [
        'session',
        'requests',
        'tool output share of prompt',
        'direct tokens: uncached / cache write / cache read',
        'proxy tokens: uncached / write / read',
        'direct $',
        'proxy $',
        'saved',
        'stats claim',
        'prefix breaks direct / proxy (checkpoints)',
        'added ms p50 / p95',
      ],
      sessionRows,
    ),
    '',
    `Dollars by part, plain input / cache writes / cache reads: direct ${usd(totals.direct.uncachedDollars)} / ${usd(totals.direct.writeDollars)} / ${usd(totals.direct.readDollars)}, through the proxy ${usd(totals.proxy.uncachedDollars)} / ${usd(totals.proxy.writeDollars)} / ${usd(totals.proxy.readDollars)}.`,
    `Billed input through the proxy is ${pct(totals.direct.dollars ? 1 - totals.proxy.dollars / totals.direct.dollars : 0)} lower than direct; /headroom/stats claimed ${usd(totals.claimed)} saved against ${usd(totals.direct.dollars - totals.proxy.dollars)} billed.`,
    `Prefix breaks through the proxy beyond its counted checkpoints and the direct lane's own: ${totals.unplannedBreaks}.`,
    `Requests the fake API rejected: ${rejected}${rejected ? ` (direct ${totals.direct.rejected}, proxy ${totals.proxy.rejected}: ${reasons.join('; ')})` : ''}. Answers that reached the client differently through the proxy: ${differ}.`,
    `The panel's item list: ${items.reduce((s, i) => s + i.listed, 0)} rows for ${items.reduce((s, i) => s + i.distinct, 0)} distinct outputs.${unknown.length ? ` Price unknown for: ${unknown.join(', ')}.` : ''}`,
    '',
    'Where the saving came from, by kind of tool output (first sent: the tokens the first time an output was sent; re-sent saving: tokens saved summed over every request that carried it):',
    '',
    table(
      [
        'kind',
        'outputs',
        'share of tool output',
        'first sent: before → after',
        'reduction',
        're-sent tokens saved',
        'share of saving',
      ],
      kindRows,
    ),
    '',
    `Information check: of ${int(checked)} strings the agent typed into later tool calls that were in an earlier tool output, ${missing.length} were missing from what the proxy forwarded${missing.length ? ` (${missing.filter((m) => m.retrievable).length} of them retrievable from a marker)` : ''}.`,
    ...(missing.length
      ? [
          '',
          table(
            ['session', 'turn', 'string', 'retrievable'],
            missing.slice(0, 200).map((m) => [m.session, m.turn, `\`${m.text}\``, m.retrievable ? 'yes' : 'no']),
          ),
          ...(missing.length > 200 ? [`(${missing.length - 200} more)`] : []),
        ]
      : []),
  ].join('\n');
}

async function main(): Promise<void> {
  const folder = process.argv[2] ?? sharedFolder('sessions');
  const sessions = readSessions(folder);
  const started = performance.now();
  const results: SessionResult[] = [];
  for (const session of sessions) {
    const t = performance.now();
    results.push(await replay(session));
    const r = results.at(-1)!;
    console.error(
      `${session.id}: ${r.requests} requests, direct ${usd(r.direct.dollars)}, proxy ${usd(r.proxy.dollars)} (${((performance.now() - t) / 1000).toFixed(1)} s)`,
    );
  }
  const text = report(results);
  console.log(text);
  const minutes = ((performance.now() - started) / 60_000).toFixed(1);
  console.log(`\n(${minutes} min on Node ${process.versions.node})`);
  if (process.argv[2] === undefined) {
    writeFileSync(
      join(REPO_ROOT, 'docs', 'sessions.md'),
      `# Session benchmark\n\nGenerated by \`npm run bench:sessions\` on ../shared/sessions (Node ${process.versions.node}, ${minutes} min). Do not edit by hand.\n\n${text}\n`,
    );
  }
}

void main();
