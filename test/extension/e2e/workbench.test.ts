import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator, Locator } from 'playwright-core';
import { LoopbackClient } from '../../../src/proxy/loopbackClient';
import { startFakeUpstream, type FakeUpstream } from '../../helpers/fakeUpstream';
import { httpRequest } from '../../helpers/http';
import { tempDir } from '../../helpers/tempDir';
import { bigLog } from '../../helpers/toolOutputs';
import { freePort, openWorkbench, type Workbench } from '../../helpers/workbench';

const TIMEOUT = 60_000;

/** An Anthropic request whose tool result is a long log: what an agent sends after running a build. */
function agentRequest(log: string): string {
  return JSON.stringify({
    model: 'claude-sonnet-4-5',
    max_tokens: 256,
    messages: [
      { role: 'user', content: 'Why did the build fail?' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'npm run build' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: log }] },
    ],
  });
}

function toolResultSent(upstream: FakeUpstream): string {
  const body = JSON.parse(upstream.requests.at(-1)?.body.toString() ?? '{}') as { messages: Array<{ content: unknown }> };
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

  before(async () => {
    upstream = await startFakeUpstream();
    const port = await freePort();
    proxyUrl = `http://127.0.0.1:${port}`;
    workbench = await openWorkbench(dir, {
      'headroom.port': port,
      'headroom.storePath': `${dir}/store.sqlite`,
      'headroom.anthropicUpstream': upstream.url,
      'headroom.openaiUpstream': upstream.url,
    });
  });

  after(async () => {
    await workbench?.close();
    await upstream?.close();
  });

  const statusItem = (text: string | RegExp = 'Headroom'): Locator => workbench.page.locator('.statusbar-item').filter({ hasText: text }).first();

  async function waitForProxy(): Promise<void> {
    const deadline = Date.now() + TIMEOUT;
    for (;;) {
      try {
        await new LoopbackClient(proxyUrl).health();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((done) => setTimeout(done, 250));
      }
    }
  }

  async function panel(): Promise<FrameLocator> {
    const { page } = workbench;
    await page.keyboard.press('F1');
    await page.keyboard.type('Headroom: Show Savings');
    await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: TIMEOUT });
    await page.keyboard.press('Enter');
    return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  }

  it('starts its proxy, compresses a real request, and shows the savings in the status bar', async () => {
    await statusItem().waitFor({ timeout: TIMEOUT });
    await waitForProxy();
    const answer = await httpRequest(`${proxyUrl}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'sk-test', 'anthropic-version': '2023-06-01' }, body: agentRequest(log) });
    assert.equal(answer.status, 200);
    const sent = toolResultSent(upstream);
    assert.ok(sent.length < log.length / 4, `the upstream got ${sent.length} characters instead of ${log.length}`);
    assert.match(sent, /retrieve hash=[0-9a-f]+/);
    await statusItem(/Headroom \d+% · [\d.]+[KMB]? saved/).waitFor({ timeout: TIMEOUT });
    assert.match((await statusItem().textContent()) ?? '', /Headroom \d+% · [\d.]+[KMB]? saved/);
    await workbench.screenshot('1-status-bar-savings');
    assert.match(workbench.headroomLog(), /Activated in [\d.]+ ms/);
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
    assert.equal(await original.textContent(), log, 'the inline original is the tool output exactly as the agent sent it');
    await workbench.screenshot('3-item-expanded');
  });

  it('a click on the status bar turns compression off, and the next request passes unchanged', async () => {
    await statusItem().click();
    await statusItem(/Headroom off/).waitFor({ timeout: TIMEOUT });
    assert.equal((await new LoopbackClient(proxyUrl).health()).compression, false);
    const answer = await httpRequest(`${proxyUrl}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': 'sk-test', 'anthropic-version': '2023-06-01' }, body: agentRequest(log) });
    assert.equal(answer.status, 200);
    assert.equal(toolResultSent(upstream), log);
    await workbench.screenshot('4-compression-off');
  });
});
