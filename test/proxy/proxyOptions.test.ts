import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseArgs } from 'node:util';
import {
  optionsHelp,
  parseArgsOptions,
  PROXY_OPTIONS,
  proxyArguments,
  readProxyOptions,
  settingOptions,
  type ProxyOptionValues,
} from '../../src/proxy/proxyOptions';
import { REPO_ROOT } from '../helpers/corpora';

const contributed = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { default: unknown }> } };
  }
).contributes.configuration.properties;

const read = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  readProxyOptions(parseArgs({ args, options: parseArgsOptions(), strict: true }).values, env);

describe('the proxy options table', () => {
  it('is what package.json contributes: each setting it names exists with the same default', () => {
    const settings = settingOptions();
    assert.ok(settings.length >= 10);
    for (const option of settings) {
      const property = contributed[`headroom.${option.setting}`];
      assert.ok(property, `headroom.${option.setting} is contributed`);
      // An empty string setting means "Headroom decides", as an absent default does.
      assert.deepEqual(property.default, option.default ?? '', `headroom.${option.setting}`);
    }
  });

  it('reads a flag before its environment variable, and the environment before the default', () => {
    assert.equal(read([]).port, PROXY_OPTIONS.port.default);
    assert.equal(read([], { HEADROOM_PORT: '9001' }).port, 9001);
    assert.equal(read(['--port', '9002'], { HEADROOM_PORT: '9001' }).port, 9002);
    assert.equal(read(['--compression', 'off']).compression, false);
    assert.equal(read([], { HEADROOM_AGGRESSIVENESS: 'aggressive' }).aggressiveness, 'aggressive');
    assert.equal(read([]).store, undefined, 'no store default: the proxy picks the data directory');
    assert.equal(read(['--no-embeddings']).noEmbeddings, true);
  });

  it('rejects bad values with the flag and what it takes, whether from a flag or the environment', () => {
    assert.throws(() => read(['--port', '70000']), /--port must be from 0 to 65535, not 70000/);
    assert.throws(() => read([], { HEADROOM_MIN_TOKENS: 'many' }), /--min-tokens takes a whole number, not "many"/);
    assert.throws(
      () => read(['--aggressiveness', 'wild']),
      /--aggressiveness must be one of conservative, balanced, aggressive, not "wild"/,
    );
    assert.throws(() => read(['--anthropic-upstream', 'ftp://x']), /--anthropic-upstream must be an http\(s\) URL/);
    assert.throws(() => read(['--ttl-days', '0']), /--ttl-days must be from 1/);
    assert.throws(() => read(['--history-keep-turns', '0']), /--history-keep-turns must be from 1/);
    assert.throws(() => read(['--embedding-weight', '2']), /--embedding-weight takes a number from 0 to 1/);
    assert.throws(() => read(['--no-embeddings', '--embedding-model', '/m']), /contradict/);
  });

  it("launches a proxy with exactly the values it was given (the supervisor's arguments read back the same)", () => {
    const values: Partial<ProxyOptionValues> = {
      port: 0,
      store: '/tmp/a b/store.sqlite',
      anthropicUpstream: 'http://127.0.0.1:9',
      compression: false,
      minTokens: 0,
      aggressiveness: 'conservative',
      ttlDays: 3,
      historyTokens: 0,
      historyKeepTurns: 2,
      embeddingModel: '/models/m',
      embeddingWeight: 0.25,
      embeddingBudgetMs: 0,
    };
    const back = read(proxyArguments(values));
    for (const [key, value] of Object.entries(values))
      assert.deepEqual(back[key as keyof ProxyOptionValues], value, key);
    assert.deepEqual(proxyArguments({ noEmbeddings: true }), ['--no-embeddings']);
    assert.deepEqual(proxyArguments({ noEmbeddings: false }), []);
  });

  it('lists every flag in the usage, with its environment variable and default', () => {
    const help = optionsHelp();
    for (const option of Object.values(PROXY_OPTIONS)) {
      assert.match(help, new RegExp(`--${option.flag}\\b`));
      if ('env' in option) assert.ok(help.includes(option.env), option.env);
    }
    assert.match(help, /--port N {2}\(HEADROOM_PORT, default 8787\)\n {6}port on 127\.0\.0\.1 \(0: any free port\)\n/);
  });
});
