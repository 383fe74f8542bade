import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CONTENT_KINDS } from '../../src/core/types';
import { CLI, startCliProxy } from '../helpers/cli';
import { bglLog } from '../helpers/corpora';
import { startFakeUpstream } from '../helpers/fakeUpstream';
import { apiTokenHeader } from '../helpers/http';
import { connectMcp, textOf, type McpConnection } from '../helpers/mcpClient';
import { tempDir } from '../helpers/tempDir';
import { bigJson } from '../helpers/toolOutputs';

const MARKER_HASH = /retrieve hash=([0-9a-f]{8,64})/;

describe('headroom mcp (the built bundle, over stdio, with the SDK client)', () => {
  const store = join(tempDir(), 'mcp.sqlite');
  let mcp: McpConnection;
  before(async () => {
    mcp = await connectMcp(store);
  });
  after(() => mcp.close());

  it('lists its tools with schemas and descriptions a model can act on', async () => {
    const { tools } = await mcp.client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), [
      'headroom_compress',
      'headroom_retrieve',
      'headroom_share',
      'headroom_shared',
      'headroom_stats',
    ]);
    for (const tool of tools) {
      assert.ok((tool.description ?? '').length > 80, `${tool.name} explains itself`);
      assert.equal(tool.inputSchema.type, 'object');
    }
    const byName = new Map(tools.map((t) => [t.name, t]));
    const compress = byName.get('headroom_compress')!;
    assert.deepEqual(compress.inputSchema.required, ['content']);
    assert.deepEqual((compress.inputSchema.properties as Record<string, { enum?: string[] }>).kind.enum, [
      ...CONTENT_KINDS,
    ]);
    assert.ok(compress.outputSchema, 'compress declares its structured output');
    const retrieve = byName.get('headroom_retrieve')!;
    assert.deepEqual(retrieve.inputSchema.required, ['hash']);
    assert.equal((retrieve.inputSchema.properties as Record<string, { minimum?: number }>).offset.minimum, 0);
    assert.equal(retrieve.annotations?.readOnlyHint, true);
    assert.ok(byName.get('headroom_stats')!.outputSchema);
  });

  it('compresses a log and gives back the whole original, or the part a query asks for', async () => {
    const log = bglLog().text;
    const result = await mcp.call('headroom_compress', { content: log, query: 'data TLB error' });
    assert.notEqual(result.isError, true, textOf(result));
    const figures = result.structuredContent as {
      hash: string;
      kind: string;
      compressed: boolean;
      tokensBefore: number;
      tokensAfter: number;
      markerHashes: string[];
    };
    assert.equal(figures.kind, 'log');
    assert.equal(figures.compressed, true);
    assert.ok(figures.tokensAfter < figures.tokensBefore / 4, `${figures.tokensBefore} → ${figures.tokensAfter}`);
    assert.ok(textOf(result, 0).length < log.length / 4);
    assert.match(textOf(result, 0), /data TLB error/, 'the lines the query asks about stay');
    assert.match(textOf(result, 1), new RegExp(`headroom_retrieve hash=${figures.hash}`));

    const whole = await mcp.call('headroom_retrieve', { hash: figures.hash, limit: 100_000 });
    assert.notEqual(whole.isError, true);
    const [header, ...lines] = textOf(whole).split('\n');
    assert.match(header, /^\[headroom: original [0-9a-f]+: lines 1–2000, 2000 lines in all\]$/);
    assert.equal(lines.join('\n'), log);

    const part = await mcp.call('headroom_retrieve', {
      hash: figures.hash,
      query: 'data TLB error interrupt',
      limit: 2,
    });
    const partLines = textOf(part).split('\n').slice(1);
    assert.equal(partLines.length, 2);
    for (const line of partLines) assert.match(line, /data TLB error interrupt/);
    assert.match(textOf(part), /more with offset=2/);
  });

  it('answers an unknown hash and bad arguments with isError and a clear message, and keeps serving', async () => {
    const unknown = await mcp.call('headroom_retrieve', { hash: 'abcdef0123456789abcdef01' });
    assert.equal(unknown.isError, true);
    assert.match(textOf(unknown), /No original is stored for hash abcdef0123456789abcdef01/);
    const notHex = await mcp.call('headroom_retrieve', { hash: 'not a hash' });
    assert.equal(notHex.isError, true);
    assert.match(textOf(notHex), /is not a Headroom hash/);
    for (const [name, args] of [
      ['headroom_retrieve', {}],
      ['headroom_retrieve', { hash: 'abc', offset: -1 }],
      ['headroom_compress', { content: 42 }],
      ['headroom_compress', { content: 'x', kind: 'poetry' }],
    ] as const) {
      const bad = await mcp.call(name, args);
      assert.equal(bad.isError, true, `${name} ${JSON.stringify(args)}`);
      assert.match(textOf(bad), /Input validation error/);
    }
    const missing = await mcp.call('headroom_nonexistent');
    assert.equal(missing.isError, true);
    assert.match(textOf(missing), /Tool headroom_nonexistent not found/);
    const { tools } = await mcp.client.listTools();
    assert.equal(tools.length, 5);
  });

  it('reports savings from the store when no proxy runs, counting its own compressions', async () => {
    await mcp.call('headroom_compress', { content: bigJson() });
    const stats = await mcp.call('headroom_stats');
    const report = stats.structuredContent as {
      source: string;
      compression: boolean | null;
      allTime: { compressedItems: number; tokensSaved: number };
      byKind: Array<{ key: string }>;
      byTool: Array<{ key: string }>;
    };
    assert.equal(report.source, 'store');
    assert.equal(report.compression, null);
    assert.ok(report.allTime.compressedItems >= 2, `items ${report.allTime.compressedItems}`);
    assert.ok(report.allTime.tokensSaved > 0);
    assert.deepEqual(report.byKind.map((k) => k.key).sort(), ['json', 'log']);
    assert.deepEqual(
      report.byTool.map((k) => k.key),
      ['mcp'],
    );
    assert.match(textOf(stats), /no proxy running/);
    assert.match(textOf(stats), /Tokens saved: /);
  });

  it('takes empty content, lone surrogates and a 50 MB log without failing', async () => {
    const empty = await mcp.call('headroom_compress', { content: '' });
    assert.notEqual(empty.isError, true);
    assert.equal(textOf(empty, 0), '');
    assert.equal((empty.structuredContent as { compressed: boolean }).compressed, false);

    const broken = `${'\ud800 lone surrogate and \udfff another\n'.repeat(200)}${bglLog().text}`;
    const surrogates = await mcp.call('headroom_compress', { content: broken });
    assert.notEqual(surrogates.isError, true, textOf(surrogates));

    const line = bglLog().lines;
    const huge: string[] = [];
    for (let size = 0, i = 0; size < 50 * 1024 * 1024; i++) {
      const next = line[i % line.length];
      huge.push(next);
      size += next.length + 1;
    }
    const big = await mcp.call('headroom_compress', { content: huge.join('\n') });
    assert.notEqual(big.isError, true, textOf(big));
    const figures = big.structuredContent as { tokensBefore: number; tokensAfter: number };
    assert.ok(figures.tokensAfter < figures.tokensBefore / 20, `${figures.tokensBefore} → ${figures.tokensAfter}`);
    assert.ok(textOf(big, 0).length < 2 * 1024 * 1024, 'what comes back fits a context window');
  });
});

describe('headroom mcp: raw protocol abuse', () => {
  it('skips a line that is not JSON-RPC, or not UTF-8, and answers the next request', async () => {
    const { child, send, answered, stderr } = await rawMcpServer();
    child.stdin.write('this is not json\n');
    child.stdin.write('{"jsonrpc":"2.0","id":');
    child.stdin.write('\n');
    child.stdin.write(
      Buffer.concat([
        Buffer.from(
          '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"headroom_compress","arguments":{"content":"bytes ',
        ),
        Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
        Buffer.from(' end"}}}\n'),
      ]),
    );
    send({ jsonrpc: '2.0', id: 3, method: 'tools/list' });
    const nonUtf8 = await answered(2);
    assert.match(
      nonUtf8.result?.content?.[0].text ?? '',
      /^bytes \uFFFD+\( end$/,
      'invalid bytes arrive as replacement characters',
    );
    const listed = await answered(3);
    assert.ok(listed.result, 'still serving after the malformed lines');
    assert.match(stderr(), /not valid JSON|Unexpected token/);
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, 'exits cleanly when the client closes stdin');
  });

  it('answers a malformed request that has an id, in words, and null arguments as none', async () => {
    const { child, send, answered } = await rawMcpServer();
    send({ jsonrpc: '2.0', id: 2, method: 5 });
    send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 7 } });
    send({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'headroom_compress', arguments: null } });
    assert.deepEqual((await answered(2)).error, {
      code: -32600,
      message: 'Invalid request: method: Invalid input: expected string, received number',
    });
    assert.deepEqual((await answered(3)).error, {
      code: -32602,
      message: 'Invalid params: params.name: Invalid input: expected string, received number',
    });
    const nullArguments = await answered(4);
    assert.equal(nullArguments.result?.isError, true);
    assert.match(nullArguments.result?.content?.[0].text ?? '', /expected string, received undefined at content$/);
    child.stdin.end();
    await new Promise((resolve) => child.once('exit', resolve));
  });

  for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const)
    it(`stops on ${signal} while its client keeps stdin open`, async () => {
      const { child, answered } = await rawMcpServer();
      await answered(1);
      child.kill(signal);
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      assert.equal(code, 0);
    });
});

describe('one store for the proxy and the MCP server, in separate processes', () => {
  it('retrieves through MCP what the proxy compressed, and the other way round', async () => {
    const store = join(tempDir(), 'shared.sqlite');
    const upstream = await startFakeUpstream();
    const proxy = await startCliProxy(['--store', store, '--anthropic-upstream', upstream.url]);
    const mcp = await connectMcp(store);
    try {
      const log = bglLog().text;
      const response = await fetch(`${proxy.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'sk-test', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({
          model: 'claude-sonnet-4-5',
          max_tokens: 100,
          messages: [
            { role: 'user', content: 'Why did the node fail?' },
            {
              role: 'assistant',
              content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'cat bgl.log' } }],
            },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: log }] },
          ],
        }),
      });
      assert.equal(response.status, 200);
      const sent = upstream.requests[0].body.toString('utf8');
      const hash = MARKER_HASH.exec(sent)?.[1];
      assert.ok(hash, 'the proxy put a marker in what it sent upstream');

      const retrieved = await mcp.call('headroom_retrieve', { hash, query: 'data TLB error interrupt', limit: 1 });
      assert.notEqual(retrieved.isError, true, textOf(retrieved));
      assert.match(textOf(retrieved), /data TLB error interrupt/);

      const viaMcp = await mcp.call('headroom_compress', { content: bigJson() });
      const { hash: jsonHash } = viaMcp.structuredContent as { hash: string };
      const original = await fetch(`${proxy.url}/headroom/items/${jsonHash}`, {
        headers: apiTokenHeader(proxy),
      });
      assert.equal(original.status, 200);
      assert.equal(await original.text(), bigJson(), 'the proxy has what the MCP server compressed');
      const listed = (await (
        await fetch(`${proxy.url}/headroom/items?tool=mcp`, { headers: apiTokenHeader(proxy) })
      ).json()) as {
        items: Array<{ hash: string }>;
      };
      assert.deepEqual(
        listed.items.map((i) => i.hash),
        [jsonHash],
        "and lists it in the panel's items",
      );

      const stats = await mcp.call('headroom_stats');
      const report = stats.structuredContent as { source: string; compression: boolean; allTime: { requests: number } };
      assert.equal(report.source, 'proxy');
      assert.equal(report.compression, true);
      assert.equal(report.allTime.requests, 2);
    } finally {
      await mcp.close();
      await proxy.stop();
      await upstream.close();
    }
  });

  it("never holds the store between calls: a proxy can start while the MCP server runs, and two servers never lose each other's writes", async () => {
    const store = join(tempDir(), 'two.sqlite');
    const [a, b] = await Promise.all([connectMcp(store, 'agent-a'), connectMcp(store, 'agent-b')]);
    try {
      const outputs = Array.from({ length: 6 }, (_, i) => `${bglLog().text}\nrun ${i}`);
      const results = await Promise.all(
        outputs.map((content, i) => (i % 2 ? a : b).call('headroom_compress', { content })),
      );
      const hashes = results.map((r) => {
        assert.notEqual(r.isError, true, textOf(r));
        return (r.structuredContent as { hash: string }).hash;
      });
      for (const [i, hash] of hashes.entries()) {
        const back = await (i % 2 ? b : a).call('headroom_retrieve', { hash, limit: 100_000 });
        assert.notEqual(back.isError, true, `output ${i}: ${textOf(back)}`);
        assert.equal(
          textOf(back).split('\n').slice(1).join('\n'),
          outputs[i],
          `output ${i}, written by one process, read by the other`,
        );
      }
      const proxy = await startCliProxy(['--store', store]);
      assert.ok(existsSync(`${store}.proxy.json`));
      const stats = await a.call('headroom_stats');
      assert.equal((stats.structuredContent as { source: string }).source, 'proxy');
      assert.equal((stats.structuredContent as { allTime: { compressedItems: number } }).allTime.compressedItems, 6);
      assert.equal(await proxy.stop(), 0);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('shares context between agents, compressing identical content once and keeping who shared it', async () => {
    const store = join(tempDir(), 'share.sqlite');
    const [claude, codex] = await Promise.all([connectMcp(store, 'claude-code'), connectMcp(store, 'codex')]);
    try {
      const first = await claude.call('headroom_share', { key: 'bgl log', content: bglLog().text });
      assert.notEqual(first.isError, true, textOf(first));
      assert.match(textOf(first), /Shared "bgl log" \(compressed\)/);
      const second = await codex.call('headroom_share', { key: 'node log', content: bglLog().text });
      assert.match(textOf(second), /already shared before, not compressed again/);
      assert.match(textOf(second), /claude-code \(bgl log, .*\), codex \(node log/);

      const compressed = await codex.call('headroom_shared', { key: 'bgl log' });
      assert.ok(textOf(compressed, 0).length < bglLog().text.length / 4);
      const original = await codex.call('headroom_shared', { key: 'bgl log', original: true });
      assert.equal(textOf(original, 0), bglLog().text);
      const listing = await claude.call('headroom_shared', {});
      assert.match(textOf(listing), /- node log: log, .* shared by claude-code, codex/);
      const missing = await claude.call('headroom_shared', { key: 'nothing here' });
      assert.equal(missing.isError, true);
      assert.match(textOf(missing), /Nothing is shared under "nothing here"/);
      const empty = await claude.call('headroom_share', { key: 'empty', content: '' });
      assert.equal(empty.isError, true);
      assert.match(textOf(empty), /content is empty/);
    } finally {
      await Promise.all([claude.close(), codex.close()]);
    }
  });
});

/** `headroom mcp` in a child process, spoken to line by line, initialised (request 1). */
async function rawMcpServer() {
  const store = join(tempDir(), 'raw.sqlite');
  const child = spawn(process.execPath, [CLI, 'mcp', '--store', store], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const send = (value: unknown) => child.stdin.write(`${JSON.stringify(value)}\n`);
  const answered = async (id: number) => {
    for (let i = 0; i < 200 && !stdout.split('\n').some((l) => l.includes(`"id":${id}`)); i++)
      await new Promise((r) => setTimeout(r, 50));
    const line = stdout.split('\n').find((l) => l.includes(`"id":${id}`));
    assert.ok(line, `an answer to request ${id}; stderr: ${stderr}`);
    return JSON.parse(line) as {
      result?: { content?: Array<{ text: string }>; isError?: boolean };
      error?: { code: number; message: string };
    };
  };
  send({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  });
  await answered(1);
  send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return { child, send, answered, stderr: () => stderr };
}
