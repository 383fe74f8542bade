import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'smol-toml';
import { routeCodexConfig, unrouteCodexConfig } from '../../../src/extension/routing/codexConfigFile';
import { backupPath } from '../../../src/extension/routing/configFile';
import { tempDir } from '../../helpers/tempDir';

const USER_CONFIG = `# my codex setup
model = "gpt-5-codex"
model_provider = "azure"

[model_providers.azure]
name = "Azure"
base_url = "https://example.openai.azure.com/openai"
env_key = "AZURE_OPENAI_API_KEY"

[profiles.fast]
model = "gpt-5-mini"
`;

describe('Codex config.toml routing', () => {
  it('adds a headroom provider, selects it, keeps comments and tables, and undo restores the file byte for byte', () => {
    const file = join(tempDir(), 'config.toml');
    writeFileSync(file, USER_CONFIG);
    const change = routeCodexConfig(file, 'http://127.0.0.1:8787/v1');
    const text = readFileSync(file, 'utf8');
    const parsed = parse(text) as {
      model_provider: string;
      model_providers: Record<string, { base_url: string; wire_api: string }>;
      profiles: unknown;
    };
    assert.equal(parsed.model_provider, 'headroom');
    assert.equal(parsed.model_providers.headroom.base_url, 'http://127.0.0.1:8787/v1');
    assert.equal(parsed.model_providers.headroom.wire_api, 'responses');
    assert.ok(parsed.model_providers.azure, "the user's provider stays");
    assert.ok(text.startsWith('# my codex setup\n'));
    assert.equal(readFileSync(backupPath(file), 'utf8'), USER_CONFIG);
    assert.deepEqual(change, { previousLine: 'model_provider = "azure"' });
    assert.deepEqual(unrouteCodexConfig(file, change), { kept: false });
    assert.equal(readFileSync(file, 'utf8'), USER_CONFIG);
  });

  it("sends a team proxy's token as a header of the provider, and undo takes it out with the rest", () => {
    const file = join(tempDir(), 'config.toml');
    writeFileSync(file, USER_CONFIG);
    const change = routeCodexConfig(file, 'https://headroom.team.internal/v1', undefined, {
      'x-headroom-token': 'hrt_secret"quoted',
    });
    const parsed = parse(readFileSync(file, 'utf8')) as {
      model_providers: Record<string, { http_headers?: Record<string, string> }>;
    };
    assert.deepEqual({ ...parsed.model_providers.headroom.http_headers }, { 'x-headroom-token': 'hrt_secret"quoted' });
    assert.equal(parsed.model_providers.azure.http_headers, undefined);
    unrouteCodexConfig(file, change);
    assert.equal(readFileSync(file, 'utf8'), USER_CONFIG);
  });

  it('routing twice keeps one block and the first previous line', () => {
    const file = join(tempDir(), 'config.toml');
    writeFileSync(file, USER_CONFIG);
    const first = routeCodexConfig(file, 'http://127.0.0.1:8787/v1');
    const second = routeCodexConfig(file, 'http://127.0.0.1:9999/v1', first);
    const text = readFileSync(file, 'utf8');
    assert.equal(text.match(/\[model_providers\.headroom\]/g)?.length, 1);
    assert.match(text, /9999/);
    unrouteCodexConfig(file, second);
    assert.equal(readFileSync(file, 'utf8'), USER_CONFIG);
  });

  it('works without a config file and leaves an empty one on undo', () => {
    const file = join(tempDir(), 'codex', 'config.toml');
    const change = routeCodexConfig(file, 'http://127.0.0.1:8787/v1');
    assert.equal((parse(readFileSync(file, 'utf8')) as { model_provider: string }).model_provider, 'headroom');
    unrouteCodexConfig(file, change);
    assert.equal(readFileSync(file, 'utf8'), '');
  });

  it('leaves a model_provider the user chose after routing alone', () => {
    const file = join(tempDir(), 'config.toml');
    writeFileSync(file, USER_CONFIG);
    const change = routeCodexConfig(file, 'http://127.0.0.1:8787/v1');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^model_provider = .*$/m, 'model_provider = "openai"'));
    assert.deepEqual(unrouteCodexConfig(file, change), { kept: true });
    const parsed = parse(readFileSync(file, 'utf8')) as {
      model_provider: string;
      model_providers: Record<string, unknown>;
    };
    assert.equal(parsed.model_provider, 'openai');
    assert.equal(parsed.model_providers.headroom, undefined, 'the provider table still goes');
  });

  it('refuses a file that is not valid TOML, or that defines its own headroom provider', () => {
    const broken = join(tempDir(), 'config.toml');
    writeFileSync(broken, 'model = "x\n');
    assert.throws(() => routeCodexConfig(broken, 'http://127.0.0.1:8787/v1'), /not be valid TOML.*unchanged/);
    assert.equal(readFileSync(broken, 'utf8'), 'model = "x\n');
    const own = join(tempDir(), 'config.toml');
    writeFileSync(own, '[model_providers.headroom]\nname = "mine"\n');
    assert.throws(() => routeCodexConfig(own, 'http://127.0.0.1:8787/v1'), /outside Headroom's markers/);
  });
});
