import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { agentEnvironment, claudeCodeEnvironment } from '../../../src/extension/routing/agentTargets';
import { routeClaudeSettings, unrouteClaudeSettings } from '../../../src/extension/routing/claudeSettingsFile';
import { backupPath } from '../../../src/extension/routing/configFile';
import { tempDir } from '../../helpers/tempDir';

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

describe('Claude Code settings.json routing', () => {
  it("adds the variables beside the user's own, backs the file up, and undo restores exactly what was there", () => {
    const file = join(tempDir(), '.claude', 'settings.json');
    const mine = {
      model: 'opus',
      permissions: { allow: ['Bash(npm test)'] },
      env: { DEBUG: '1', ANTHROPIC_BASE_URL: 'https://corp-gateway.example' },
    };
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(mine));
    const changes = routeClaudeSettings(file, claudeCodeEnvironment({ url: 'http://127.0.0.1:8787' }));
    assert.deepEqual(readJson(file).env, {
      DEBUG: '1',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:8787',
      ENABLE_TOOL_SEARCH: 'true',
    });
    assert.deepEqual(readJson(file).permissions, mine.permissions);
    assert.deepEqual(readJson(backupPath(file)), mine, 'the backup holds the file as it was');
    assert.deepEqual(unrouteClaudeSettings(file, changes), { kept: [] });
    assert.deepEqual(readJson(file), mine);
  });

  it("carries a team proxy's token as ANTHROPIC_CUSTOM_HEADERS, and the terminals' variables with it", () => {
    const route = { url: 'https://headroom.team.internal', teamToken: 'hrt_abc' };
    assert.deepEqual(claudeCodeEnvironment(route), {
      ANTHROPIC_BASE_URL: 'https://headroom.team.internal',
      ENABLE_TOOL_SEARCH: 'true',
      ANTHROPIC_CUSTOM_HEADERS: 'x-headroom-token: hrt_abc',
    });
    assert.equal(agentEnvironment(route).OPENAI_BASE_URL, 'https://headroom.team.internal/v1');
    assert.equal(agentEnvironment({ url: 'http://127.0.0.1:8787' }).ANTHROPIC_CUSTOM_HEADERS, undefined);
  });

  it('creates the file when there is none and removes only its own entries on undo', () => {
    const file = join(tempDir(), 'settings.json');
    const changes = routeClaudeSettings(file, claudeCodeEnvironment({ url: 'http://127.0.0.1:9000' }));
    assert.deepEqual(
      changes.map((c) => c.previous),
      [null, null],
    );
    assert.deepEqual(readJson(file), {
      env: { ANTHROPIC_BASE_URL: 'http://127.0.0.1:9000', ENABLE_TOOL_SEARCH: 'true' },
    });
    unrouteClaudeSettings(file, changes);
    assert.deepEqual(readJson(file), {});
  });

  it("a second routing (new port) still undoes to the user's original value", () => {
    const file = join(tempDir(), 'settings.json');
    writeFileSync(file, JSON.stringify({ env: { ANTHROPIC_BASE_URL: 'https://mine.example' } }));
    const first = routeClaudeSettings(file, claudeCodeEnvironment({ url: 'http://127.0.0.1:8787' }));
    const second = routeClaudeSettings(file, claudeCodeEnvironment({ url: 'http://127.0.0.1:9999' }), first);
    unrouteClaudeSettings(file, second);
    assert.deepEqual(readJson(file), { env: { ANTHROPIC_BASE_URL: 'https://mine.example' } });
  });

  it('leaves a value the user changed after routing alone and says so', () => {
    const file = join(tempDir(), 'settings.json');
    const changes = routeClaudeSettings(file, claudeCodeEnvironment({ url: 'http://127.0.0.1:8787' }));
    writeFileSync(
      file,
      JSON.stringify({ env: { ANTHROPIC_BASE_URL: 'https://changed-by-user.example', ENABLE_TOOL_SEARCH: 'true' } }),
    );
    assert.deepEqual(unrouteClaudeSettings(file, changes), { kept: ['ANTHROPIC_BASE_URL'] });
    assert.deepEqual(readJson(file), { env: { ANTHROPIC_BASE_URL: 'https://changed-by-user.example' } });
  });

  it('refuses to touch a file that is not valid JSON', () => {
    const file = join(tempDir(), 'settings.json');
    writeFileSync(file, '{ "env": { oops');
    assert.throws(
      () => routeClaudeSettings(file, claudeCodeEnvironment({ url: 'http://127.0.0.1:8787' })),
      /not valid JSON.*left it unchanged/,
    );
    assert.equal(readFileSync(file, 'utf8'), '{ "env": { oops');
  });
});
