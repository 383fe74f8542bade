import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { writeMcpLauncher } from '../../../src/extension/mcp/mcpLauncher';
import { CLI } from '../../helpers/cli';
import { tempDir } from '../../helpers/tempDir';

describe('the MCP launcher the extension gives to MCP clients', () => {
  it("starts the bundled MCP server on the proxy's store, from a path that stays the same", async () => {
    const dir = tempDir();
    const store = join(dir, 'proxy-store.sqlite');
    const storage = join(dir, 'global-storage');
    const commandLine = writeMcpLauncher(storage, CLI, store);
    assert.equal(commandLine.command, process.execPath);
    assert.deepEqual(commandLine.args, [join(storage, 'headroom-mcp.js'), 'mcp']);
    assert.deepEqual(commandLine.env, { ELECTRON_RUN_AS_NODE: '1' });

    const client = new Client({ name: 'launcher-test', version: '1' });
    await client.connect(
      new StdioClientTransport({
        ...commandLine,
        env: {
          ...(process.env as Record<string, string>),
          ...commandLine.env,
          HEADROOM_STORE: join(dir, 'not-this-one.sqlite'),
        },
      }),
    );
    try {
      const { tools } = await client.listTools();
      assert.ok(tools.some((t) => t.name === 'headroom_compress'));
      const lines = Array.from(
        { length: 800 },
        (_, i) => `2026-11-26 10:00:${String(i % 60).padStart(2, '0')} INFO request ${i} served in ${i % 17} ms`,
      );
      await client.callTool({ name: 'headroom_compress', arguments: { content: lines.join('\n') } });
    } finally {
      await client.close();
    }
    for (let i = 0; i < 40 && !existsSync(store); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok(existsSync(store), 'the server used the store the launcher names, whatever the environment says');
    assert.equal(existsSync(join(dir, 'not-this-one.sqlite')), false);
  });

  it('rewrites the script only when the bundle or the store changed', () => {
    const storage = tempDir();
    const { args } = writeMcpLauncher(storage, '/ext/headroom-0.1.0/dist/cli.mjs', '/data/a.sqlite');
    const written = statSync(args[0]).mtimeMs;
    writeMcpLauncher(storage, '/ext/headroom-0.1.0/dist/cli.mjs', '/data/a.sqlite');
    assert.equal(statSync(args[0]).mtimeMs, written);
    writeMcpLauncher(storage, '/ext/headroom-0.2.0/dist/cli.mjs', '/data/b.sqlite');
    const script = readFileSync(args[0], 'utf8');
    assert.match(script, /import\("file:\/\/\/ext\/headroom-0\.2\.0\/dist\/cli\.mjs"\)/);
    assert.match(script, /HEADROOM_STORE = "\/data\/b\.sqlite"/);
  });
});
