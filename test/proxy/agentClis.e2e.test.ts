import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, type CliRun } from '../helpers/agentCli';
import { runClaude } from '../helpers/claudeCli';
import { anthropicKit } from '../helpers/contract/anthropicKit';
import { geminiKit } from '../helpers/contract/geminiKit';
import { openaiChatKit } from '../helpers/contract/openaiChatKit';
import { openaiResponsesKit } from '../helpers/contract/openaiResponsesKit';
import { startStrictFake, type StrictRequest } from '../helpers/contract/strictFake';
import { e2eTools } from '../helpers/e2eTools';
import { tempDir } from '../helpers/tempDir';
import { proxyHarness } from '../helpers/proxyHarness';

/**
 * The real agent CLIs through the proxy against the strict fakes, each on the session the fake
 * model's `agent` script plays: the agent runs its own shell tool, the output comes back
 * compressed, the model retrieves a line the compression left out and answers with it; then the
 * agent's next turn in the same session, built from what it received, must be accepted.
 */
const ANSWER = /AGENT-DONE: 2026-11-24 10:00:00 INFO worker 300 processed batch 2100 in 1ms/;

const h = proxyHarness({
  upstream: () => startStrictFake([anthropicKit, openaiChatKit, openaiResponsesKit, geminiKit], { script: 'agent' }),
});

/** Runs one CLI invocation and returns it with the upstream requests it caused, every one accepted by the API. */
async function session(run: () => Promise<CliRun>): Promise<CliRun & { upstream: StrictRequest[] }> {
  const first = h.upstream.requests.length;
  const result = await run();
  const upstream = h.upstream.requests.slice(first);
  assert.equal(result.code, 0, `exited ${result.code}: ${result.stderr.slice(-2_000)}`);
  for (const seen of upstream) assert.equal(seen.rejected, undefined, `the API accepts every request (${seen.url})`);
  return { ...result, upstream };
}

const compressedOutput = (upstream: StrictRequest[]) =>
  upstream.some((r) => /INFO worker \d+ processed[^"]*\[headroom:[^\]]*retrieve hash=/.test(r.body.toString()));

describe('the real agent CLIs through the proxy', () => {
  it('Codex: `codex exec` with a retrieval, then `codex exec resume` of that session', async () => {
    const tools = e2eTools();
    const home = tempDir();
    const work = tempDir();
    writeFileSync(
      join(home, 'config.toml'),
      [
        'model = "gpt-5-codex"',
        'model_provider = "headroom"',
        '[model_providers.headroom]',
        'name = "headroom"',
        `base_url = "${h.proxy.url}/v1"`,
        'wire_api = "responses"',
        'env_key = "OPENAI_API_KEY"',
      ].join('\n'),
    );
    const env = { CODEX_HOME: home, OPENAI_API_KEY: 'sk-e2e-not-a-real-key', HOME: home };
    const codex = (...args: string[]) =>
      session(() => runCli(tools.nodeBin, [tools.codexBin, 'exec', ...args], { cwd: work, env }));

    const first = await codex('--skip-git-repo-check', 'Print the log and tell me about worker 300.');
    assert.match(first.stdout, ANSWER);
    assert.ok(compressedOutput(first.upstream), 'the shell output went upstream compressed');
    assert.ok(
      first.upstream.some((r) => r.body.includes('"headroom_retrieve"') && r.body.includes('"function_call_output"')),
    );

    const resumed = await codex('resume', '--last', '--skip-git-repo-check', 'And worker 300 again?');
    assert.match(resumed.stdout, ANSWER);
    const history = JSON.parse(resumed.upstream[0].body.toString()) as { input: Array<{ type?: string }> };
    assert.ok(
      history.input.some((item) => item.type === 'reasoning'),
      'Codex sent back the reasoning it received (store: false), and the API accepted it',
    );
  });

  it('Gemini CLI: `gemini -p` with a retrieval', async () => {
    const tools = e2eTools();
    const home = tempDir();
    const work = tempDir();
    mkdirSync(join(home, '.gemini'));
    writeFileSync(
      join(home, '.gemini', 'settings.json'),
      JSON.stringify({
        security: { auth: { selectedType: 'gemini-api-key' }, folderTrust: { enabled: false } },
        privacy: { usageStatisticsEnabled: false },
      }),
    );
    const env = { HOME: home, GEMINI_API_KEY: 'AIza-e2e-not-a-real-key', GOOGLE_GEMINI_BASE_URL: h.proxy.url };
    const run = await session(() =>
      runCli(
        tools.nodeBin,
        [tools.geminiBin, '-p', 'Print the log and tell me about worker 300.', '--yolo', '-m', 'gemini-2.5-pro'],
        { cwd: work, env },
      ),
    );
    assert.match(run.stdout, ANSWER);
    assert.ok(compressedOutput(run.upstream), 'the shell output went upstream compressed');
    assert.ok(run.upstream.every((r) => r.headers['x-goog-api-key'] === 'AIza-e2e-not-a-real-key'));
  });

  it('Claude Code: `claude -p` with a retrieval, then `claude -c` in that session', async () => {
    const home = tempDir();
    const work = tempDir();
    const env = { HOME: home, ANTHROPIC_BASE_URL: h.proxy.url, ANTHROPIC_API_KEY: 'sk-ant-e2e-not-a-real-key' };
    const prompt = 'Print the log and tell me about worker 300.';
    const first = await session(() => runClaude({ cwd: work, prompt, allowedTools: 'Bash', env }));
    assert.match(first.stdout, ANSWER);
    assert.ok(compressedOutput(first.upstream), 'the Bash output went upstream compressed');
    const next = await session(() =>
      runClaude({ cwd: work, prompt: 'And worker 300 again?', allowedTools: 'Bash', env, continueSession: true }),
    );
    assert.match(next.stdout, ANSWER);
  });
});
