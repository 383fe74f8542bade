import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runClaude } from '../helpers/claudeCli';
import { proxyHarness } from '../helpers/proxyHarness';
import { tempDir } from '../helpers/tempDir';

describe('the real Claude Code CLI through the proxy', () => {
  const h = proxyHarness({ upstreamScript: 'claude-code' });

  it('completes a Bash tool round trip headless, with the tool result compressed on the way', async () => {
    const home = tempDir();
    const work = tempDir();
    const run = await runClaude({
      cwd: work,
      prompt: 'Print the log and tell me what failed.',
      allowedTools: 'Bash',
      maxTurns: 4,
      env: {
        HOME: home,
        ANTHROPIC_BASE_URL: h.proxy.url,
        ANTHROPIC_API_KEY: 'sk-ant-e2e-not-a-real-key',
        ENABLE_TOOL_SEARCH: 'true',
      },
    });
    assert.equal(run.code, 0, `claude exited ${run.code}: ${run.stderr}`);
    assert.match(run.stdout, /HEADROOM-E2E-DONE/);

    const messagesRequests = h.upstream.requests.filter((r) => r.url.startsWith('/v1/messages'));
    assert.ok(
      messagesRequests.every((r) => r.url === '/v1/messages?beta=true'),
      'the query string reaches the upstream',
    );
    assert.equal(messagesRequests[0].headers['x-api-key'], 'sk-ant-e2e-not-a-real-key');
    const withResult = messagesRequests
      .map(
        (r) =>
          JSON.parse(r.body.toString()) as {
            messages: Array<{ content: unknown }>;
            thinking?: unknown;
            metadata?: unknown;
          },
      )
      .find((body) => JSON.stringify(body.messages).includes('"tool_use_id":"toolu_cc_bash"'));
    assert.ok(withResult, 'Claude Code sent the Bash result back');
    const result = withResult.messages
      .flatMap((m) => (Array.isArray(m.content) ? (m.content as Array<Record<string, unknown>>) : []))
      .find((b) => b.type === 'tool_result')!;
    const content = typeof result.content === 'string' ? result.content : JSON.stringify(result.content);
    assert.match(content, /ERROR worker 177 failed: disk quota exceeded/, 'the error line survives');
    assert.match(
      content,
      /\[headroom: \d+ of 350 lines omitted.* · retrieve hash=[0-9a-f]{24}\]/,
      'the output was compressed',
    );
    assert.ok(h.proxy.state.totals.tokensAfter < h.proxy.state.totals.tokensBefore / 5);
    assert.ok(withResult.metadata !== undefined, 'metadata passes through');

    const projects = join(home, '.claude', 'projects');
    const transcripts = readdirSync(projects).flatMap((dir) =>
      readdirSync(join(projects, dir)).filter((f) => f.endsWith('.jsonl')),
    );
    assert.ok(transcripts.length >= 1, 'Claude Code wrote its transcript under $HOME/.claude/projects');
  });
});
