import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { FrameLocator, Locator } from 'playwright-core';
import { findRunningProxy } from '../../../src/proxy/discovery';
import { LoopbackClient } from '../../../src/proxy/loopbackClient';
import { LEARN_PROMPT, runClaude } from '../../helpers/claudeCli';
import { embeddingAssetPaths } from '../../../src/embeddings/embeddingAssets';
import { fakeAssetServer } from '../../helpers/fakeAssetServer';
import { startFakeUpstream, type FakeUpstream } from '../../helpers/fakeUpstream';
import { httpRequest } from '../../helpers/http';
import { tempDir } from '../../helpers/tempDir';
import { bigLog } from '../../helpers/toolOutputs';
import { freePort, openWorkbench, type Workbench } from '../../helpers/workbench';

const TIMEOUT = 60_000;

async function until(condition: () => boolean): Promise<void> {
  for (const deadline = Date.now() + TIMEOUT; !condition(); await new Promise((done) => setTimeout(done, 200))) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${condition.toString()}`);
  }
}

/** An Anthropic request whose tool result is a long log: what an agent sends after running a build. */
function agentRequest(log: string): string {
  return JSON.stringify({
    model: 'claude-sonnet-4-5',
    max_tokens: 256,
    messages: [
      { role: 'user', content: 'Why did the build fail?' },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'npm run build' } }],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: log }] },
    ],
  });
}

function toolResultSent(upstream: FakeUpstream): string {
  const body = JSON.parse(upstream.requests.at(-1)?.body.toString() ?? '{}') as {
    messages: Array<{ content: unknown }>;
  };
  const blocks = body.messages[2].content as Array<{ content: string }>;
  return blocks[0].content;
}

describe('the extension in real VS Code (code-server + chromium)', { timeout: 5 * TIMEOUT }, () => {
  let upstream: FakeUpstream;
  let workbench: Workbench;
  let proxyUrl: string;
  const log = bigLog();
  // Made here, not in the hook: a cleanup registered from inside a before hook runs when the hook ends.
  const dir = tempDir();
  // The model and runtime are fetched on first use from these, not from the Hugging Face hub and npm.
  const assets = fakeAssetServer();

  before(async () => {
    upstream = await startFakeUpstream();
    const port = await freePort();
    proxyUrl = `http://127.0.0.1:${port}`;
    workbench = await openWorkbench(dir, {
      'headroom.port': port,
      'headroom.storePath': `${dir}/store.sqlite`,
      'headroom.anthropicUpstream': upstream.url,
      'headroom.openaiUpstream': upstream.url,
      'headroom.embeddings.modelHost': assets.modelHost,
      'headroom.embeddings.npmRegistry': assets.registry,
      // On, so VS Code's MCP support (which Copilot's agent mode uses) lists the servers extensions provide.
      'chat.disableAIFeatures': false,
    });
  });

  after(async () => {
    await workbench?.close();
    await upstream?.close();
  });

  const statusItem = (text: string | RegExp = 'Headroom'): Locator =>
    workbench.page.locator('.statusbar-item').filter({ hasText: text }).first();

  /** Until its compression worker is warm, a proxy on a busy machine may pass a large output as it came. */
  async function waitForProxy(): Promise<void> {
    const deadline = Date.now() + TIMEOUT;
    for (;;) {
      try {
        if ((await new LoopbackClient(proxyUrl).health()).warm) return;
        if (Date.now() > deadline) assert.fail('the compression worker never became ready');
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      await new Promise((done) => setTimeout(done, 250));
    }
  }

  async function panel(): Promise<FrameLocator> {
    await workbench.runCommand('Headroom: Show Savings');
    return workbench.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  }

  it('starts its proxy, compresses a real request, and shows the savings in the status bar', async () => {
    await statusItem().waitFor({ timeout: TIMEOUT });
    await waitForProxy();
    const answer = await httpRequest(`${proxyUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-test', 'anthropic-version': '2023-06-01' },
      body: agentRequest(log),
    });
    assert.equal(answer.status, 200);
    const sent = toolResultSent(upstream);
    assert.ok(sent.length < log.length / 4, `the upstream got ${sent.length} characters instead of ${log.length}`);
    assert.match(sent, /retrieve hash=[0-9a-f]+/);
    await statusItem(/Headroom \d+% · [\d.]+[KMB]? saved/).waitFor({ timeout: TIMEOUT });
    assert.match((await statusItem().textContent()) ?? '', /Headroom \d+% · [\d.]+[KMB]? saved/);
    await workbench.screenshot('1-status-bar-savings');
    assert.match(workbench.headroomLog(), /Activated in [\d.]+ ms/);
  });

  it('fetches the embedding model and ONNX runtime on first use into its global storage, and the running proxy switches to them', async () => {
    await waitForProxy();
    // The API secret, read as the CLI and the MCP server read it: from the discovery file beside the store.
    const client = new LoopbackClient(proxyUrl, findRunningProxy(`${dir}/store.sqlite`)?.apiToken);
    const { pid } = await client.health();
    for (
      const deadline = Date.now() + TIMEOUT;
      (await client.stats()).relevance.mode !== 'hybrid';
      await new Promise((done) => setTimeout(done, 250))
    ) {
      if (Date.now() > deadline) assert.fail(`still ${JSON.stringify((await client.stats()).relevance)}`);
    }
    assert.deepEqual((await client.stats()).relevance, { mode: 'hybrid', embeddingWeight: 0.5, budgetMs: 100 });
    assert.equal((await client.health()).pid, pid, 'handed to the running proxy, not restarted');
    const storage = join(workbench.userDataDir, 'User', 'globalStorage', 'headroom.headroom-vscode', 'embeddings');
    const paths = embeddingAssetPaths(storage);
    assert.ok(
      existsSync(join(paths.runtimeDir, 'node_modules', 'onnxruntime-node', 'package.json')) &&
        existsSync(join(paths.modelDir, 'onnx', 'model_quantized.onnx')),
    );
    assert.ok(
      assets.requests.some((path) => path.endsWith('.tgz')) && assets.requests.some((path) => path.endsWith('.onnx')),
    );
    assert.match(workbench.headroomLog(), /Embedding model ready/);
    const view = await panel();
    await view
      .locator('#relevance')
      .filter({ hasText: 'Relevance: BM25 and embeddings (weight 0.5, 100 ms budget)' })
      .waitFor({ timeout: TIMEOUT });
  });

  it('shows the savings panel with chart data, and Expand shows the original inline', async () => {
    const frame = await panel();
    await frame.locator('#timeline-chart[data-points="1"]').waitFor({ timeout: TIMEOUT });
    assert.notEqual(await frame.locator('#tile-tokens-saved .value').textContent(), '0');
    const row = frame.locator('tr.item-row').first();
    await row.waitFor({ timeout: TIMEOUT });
    assert.match((await row.textContent()) ?? '', /Bash/);
    await workbench.screenshot('2-savings-panel');
    await row.locator('vscode-button.expand').click();
    const original = frame.locator('pre.original-text').first();
    await original.waitFor({ timeout: TIMEOUT });
    assert.equal(
      await original.textContent(),
      log,
      'the inline original is the tool output exactly as the agent sent it',
    );
    await workbench.screenshot('3-item-expanded');

    const expand = row.locator('vscode-button.expand');
    await expand.focus();
    await workbench.page.keyboard.press('Enter');
    await frame.locator('tr.original').first().waitFor({ state: 'hidden', timeout: TIMEOUT });
    assert.equal(await expand.getAttribute('aria-expanded'), 'false', 'the keyboard collapses it again');

    await row.locator('vscode-button.open').click();
    const hash = await row.getAttribute('data-hash');
    const tab = workbench.page.locator('.tabs-container .tab').filter({ hasText: `${hash}.log` });
    await tab.waitFor({ timeout: TIMEOUT });
    await workbench.page
      .locator('.editor-group-container .view-lines')
      .filter({ hasText: log.split('\n')[0].slice(0, 40) })
      .first()
      .waitFor({ timeout: TIMEOUT });
    await workbench.screenshot('4-original-in-editor');
  });

  it('the panel follows light, dark and high-contrast themes', async () => {
    const frame = await panel();
    const colors: Record<string, string> = {};
    for (const [theme, bodyClass] of [
      ['Dark Modern', 'vscode-dark'],
      ['Dark High Contrast', 'vscode-high-contrast'],
      ['Light Modern', 'vscode-light'],
    ]) {
      await workbench.runCommand('Preferences: Color Theme');
      await workbench.pick(theme);
      await frame.locator(`body.${bodyClass}`).waitFor({ timeout: TIMEOUT });
      colors[theme] = await frame
        .locator('#tile-tokens-saved .value')
        .evaluate(
          (node) =>
            (globalThis as unknown as { getComputedStyle(target: unknown): { color: string } }).getComputedStyle(node)
              .color,
        );
      await workbench.screenshot(`5-theme-${bodyClass}`);
    }
    assert.equal(
      new Set(Object.values(colors)).size,
      3,
      `each theme colours the panel its own way: ${JSON.stringify(colors)}`,
    );
  });

  it('adds its MCP server to Claude Code, where the real claude CLI connects to it, and takes it out again', async () => {
    const workspace = join(dir, 'workspace');
    const mcpJson = join(workspace, '.mcp.json');
    await workbench.runCommand('Headroom: Add MCP Server to Claude Code');
    await workbench.pick('This project');
    await until(() => existsSync(mcpJson));
    const entry = (
      JSON.parse(readFileSync(mcpJson, 'utf8')) as {
        mcpServers: Record<string, { command: string; args: string[]; env: Record<string, string> }>;
      }
    ).mcpServers.headroom;
    assert.match(entry.args[0], /headroom-mcp\.js$/);
    const client = new Client({ name: 'e2e', version: '1' });
    await client.connect(
      new StdioClientTransport({
        command: entry.command,
        args: entry.args,
        env: { ...(workbench.env as Record<string, string>), ...entry.env },
      }),
    );
    try {
      const stats = await client.callTool({ name: 'headroom_stats' });
      assert.equal(
        (stats.structuredContent as { source: string }).source,
        'proxy',
        "the MCP server Claude Code starts talks to the extension's proxy",
      );
    } finally {
      await client.close();
    }
    await workbench.runCommand('Headroom: Remove MCP Server from Claude Code');
    await until(() => !existsSync(mcpJson));

    const claude = (...args: string[]) =>
      spawnSync(join(dir, '.local', 'bin', 'claude'), args, { cwd: workspace, env: workbench.env, encoding: 'utf8' });
    await workbench.runCommand('Headroom: Add MCP Server to Claude Code');
    await workbench.pick('All your projects');
    await until(() => claude('mcp', 'get', 'headroom').status === 0);
    const listed = claude('mcp', 'list');
    assert.match(listed.stdout, /headroom: .*headroom-mcp\.js mcp - ✔ Connected/, listed.stdout + listed.stderr);
    await workbench.screenshot('7-mcp-added');
    await workbench.runCommand('Headroom: Remove MCP Server from Claude Code');
    await until(() => claude('mcp', 'get', 'headroom').status !== 0);
  });

  it('offers its MCP server to VS Code, which starts it and discovers its tools', async () => {
    await workbench.runCommand('MCP: List Servers');
    await workbench.pick('Headroom');
    await workbench.pick('Start Server');
    await workbench.runCommand('MCP: List Servers');
    await workbench.page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ hasText: /^HeadroomRunning/ })
      .first()
      .waitFor({ timeout: TIMEOUT });
    await workbench.pick('Headroom');
    await workbench.pick('Show Output');
    const output = workbench.page.locator('.part.panel .view-lines');
    await output
      .filter({ hasText: /Discovered\s5\stools/ })
      .first()
      .waitFor({ timeout: TIMEOUT });
    await workbench.screenshot('8-mcp-in-vscode');
    await workbench.page.keyboard.press('Escape');
  });

  it('Run learn in the panel reads the real Claude Code transcripts, previews the correction, and writes it on Apply', async () => {
    const workspace = join(dir, 'workspace');
    mkdirSync(join(workspace, 'packages', 'app', 'config'), { recursive: true });
    writeFileSync(
      join(workspace, 'package.json'),
      JSON.stringify({ name: 'e2e-learn', scripts: { test: 'echo all tests passed' } }),
    );
    writeFileSync(join(workspace, 'packages', 'app', 'config', 'app.json'), '{"port": 8080}');
    const model = await startFakeUpstream({ script: 'learn' });
    try {
      const run = await runClaude({
        cwd: workspace,
        prompt: LEARN_PROMPT,
        allowedTools: 'Bash,Read',
        env: { ...workbench.env, ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'sk-ant-e2e-learn' },
      });
      assert.equal(run.code, 0, run.stderr);
    } finally {
      await model.close();
    }

    const frame = await panel();
    await frame.locator('#run-learn').click();
    const findings = frame.locator('#learn-findings');
    await findings.waitFor({ timeout: TIMEOUT });
    assert.match(
      (await findings.textContent()) ?? '',
      /Run `npm test`, not `npm run tests`: there is no "tests" script\./,
    );
    assert.match(
      (await findings.textContent()) ?? '',
      /`config\/app\.json` does not exist; the file is `packages\/app\/config\/app\.json`\./,
    );
    assert.match(
      (await frame.locator('pre.learn-diff').first().textContent()) ?? '',
      /\+<!-- headroom:learn:start -->/,
    );
    assert.equal(existsSync(join(workspace, 'CLAUDE.md')), false, 'a preview writes nothing');
    await frame.locator('#learn').scrollIntoViewIfNeeded();
    await workbench.screenshot('9-learn-preview');

    await frame.locator('#apply-learn').click();
    await frame.locator('#learn-applied').waitFor({ timeout: TIMEOUT });
    for (const name of ['CLAUDE.md', 'AGENTS.md']) {
      const written = readFileSync(join(workspace, name), 'utf8');
      assert.match(
        written,
        /<!-- headroom:learn:start -->[\s\S]*- Run `npm test`, not `npm run tests`[\s\S]*<!-- headroom:learn:end -->/,
      );
    }
  });

  it('a click on the status bar turns compression off, and the next request passes unchanged', async () => {
    await statusItem().click();
    await statusItem(/Headroom off/).waitFor({ timeout: TIMEOUT });
    assert.equal((await new LoopbackClient(proxyUrl).health()).compression, false);
    const answer = await httpRequest(`${proxyUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'sk-test', 'anthropic-version': '2023-06-01' },
      body: agentRequest(log),
    });
    assert.equal(answer.status, 200);
    assert.equal(toolResultSent(upstream), log);
    await workbench.screenshot('6-compression-off');
  });
});
