import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { backupPath } from '../../../src/extension/routing/configFile';
import { addToMcpJson, mcpJsonEntry, removeFromMcpJson } from '../../../src/extension/routing/mcpJsonFile';
import { tempDir } from '../../helpers/tempDir';

const readJson = (file: string) =>
  JSON.parse(readFileSync(file, 'utf8')) as { mcpServers?: Record<string, unknown> } & Record<string, unknown>;
const entry = mcpJsonEntry({
  command: '/usr/bin/code',
  args: ['/data/headroom-mcp.js', 'mcp'],
  env: { ELECTRON_RUN_AS_NODE: '1' },
});

describe('.mcp.json registration', () => {
  it("adds Headroom beside the project's other servers, backs the file up, and undo restores it exactly", () => {
    const file = join(tempDir(), '.mcp.json');
    const mine = { mcpServers: { github: { command: 'gh-mcp', args: [] } }, comment: 'team servers' };
    writeFileSync(file, JSON.stringify(mine));
    const change = addToMcpJson(file, entry);
    assert.deepEqual(change, { entry, previous: undefined, created: false });
    assert.deepEqual(readJson(file).mcpServers, {
      github: mine.mcpServers.github,
      headroom: {
        type: 'stdio',
        command: '/usr/bin/code',
        args: ['/data/headroom-mcp.js', 'mcp'],
        env: { ELECTRON_RUN_AS_NODE: '1' },
      },
    });
    assert.deepEqual(readJson(backupPath(file)), mine);
    assert.deepEqual(removeFromMcpJson(file, change), { kept: false });
    assert.deepEqual(readJson(file), mine);
  });

  it('creates the file when there is none and deletes it again, and puts back a "headroom" entry it replaced', () => {
    const fresh = join(tempDir(), '.mcp.json');
    const created = addToMcpJson(fresh, entry);
    assert.equal(created.created, true);
    assert.deepEqual(Object.keys(readJson(fresh).mcpServers ?? {}), ['headroom']);
    removeFromMcpJson(fresh, created);
    assert.equal(existsSync(fresh), false, 'the project is left as it was: no .mcp.json');

    const file = join(tempDir(), '.mcp.json');
    const theirs = { command: 'npx', args: ['some-other-headroom'] };
    writeFileSync(file, JSON.stringify({ mcpServers: { headroom: theirs } }));
    const replaced = addToMcpJson(file, entry);
    assert.deepEqual(replaced.previous, theirs);
    removeFromMcpJson(file, replaced);
    assert.deepEqual(readJson(file).mcpServers, { headroom: theirs });
  });

  it('leaves an entry the user changed since, and refuses files it cannot read without touching them', () => {
    const file = join(tempDir(), '.mcp.json');
    const change = addToMcpJson(file, entry);
    const edited = { ...readJson(file), mcpServers: { headroom: { ...entry, args: ['--verbose'] } } };
    writeFileSync(file, JSON.stringify(edited));
    assert.deepEqual(removeFromMcpJson(file, change), { kept: true });
    assert.deepEqual(readJson(file), edited);

    for (const text of ['{ not json', '[1, 2]', '{"mcpServers": []}']) {
      writeFileSync(file, text);
      assert.throws(() => addToMcpJson(file, entry), /Headroom left (it|the file) unchanged/);
      assert.equal(readFileSync(file, 'utf8'), text);
    }
  });
});
