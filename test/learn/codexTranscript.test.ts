import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { planLearn } from '../../src/learn/learn';
import { tempDir } from '../helpers/tempDir';

/** A Codex rollout in its own record format: session_meta, response_item function calls and their outputs, events in between. */
function rollout(cwd: string, calls: Array<{ command: string[]; output: string; exit: number }>): string {
  const at = (i: number) => `2026-11-2${i % 9}T10:00:0${i % 10}.000Z`;
  const records: unknown[] = [
    {
      timestamp: at(0),
      type: 'session_meta',
      payload: { id: `sess-${cwd.length}`, timestamp: at(0), cwd, originator: 'codex_cli_rs', cli_version: '0.63.0' },
    },
    { timestamp: at(0), type: 'turn_context', payload: { cwd, model: 'gpt-5-codex' } },
    {
      timestamp: at(0),
      type: 'response_item',
      payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'find the handler' }] },
    },
  ];
  calls.forEach((call, i) => {
    records.push({
      timestamp: at(i),
      type: 'response_item',
      payload: {
        type: 'function_call',
        name: 'shell',
        arguments: JSON.stringify({ command: call.command, workdir: cwd }),
        call_id: `call_${i}`,
      },
    });
    records.push({ timestamp: at(i), type: 'event_msg', payload: { type: 'exec_command_end', call_id: `call_${i}` } });
    records.push({
      timestamp: at(i),
      type: 'response_item',
      payload: {
        type: 'function_call_output',
        call_id: `call_${i}`,
        output: JSON.stringify({ output: call.output, metadata: { exit_code: call.exit, duration_seconds: 0.1 } }),
      },
    });
  });
  return records.map((r) => JSON.stringify(r)).join('\n');
}

describe('learn from Codex rollouts', () => {
  it('pairs a missing program with the one that worked, only for this workspace, skipping lines that are not JSON', async () => {
    const dir = tempDir();
    const workspace = join(dir, 'repo');
    const day = join(dir, 'codex', 'sessions', '2026', '11', '26');
    mkdirSync(day, { recursive: true });
    mkdirSync(workspace);
    const ours = join(day, 'rollout-2026-11-26T10-00-00-aaaa.jsonl');
    writeFileSync(
      ours,
      rollout(workspace, [
        { command: ['bash', '-lc', 'rg -n handler src'], output: 'bash: line 1: rg: command not found\n', exit: 127 },
        {
          command: ['bash', '-lc', 'grep -rn handler src'],
          output: 'src/app.ts:3:export function handler() {}\n',
          exit: 0,
        },
        {
          command: ['bash', '-lc', 'ls --colour=never'],
          output: "ls: unrecognized option '--colour=never'\n",
          exit: 2,
        },
        { command: ['bash', '-lc', 'ls --color=never'], output: 'src\n', exit: 0 },
      ]),
    );
    appendFileSync(ours, '\n{"timestamp":"2026-11-26T10:00:09.000Z","type":"response_item","payload":{"type":"funct');
    writeFileSync(
      join(day, 'rollout-2026-11-26T11-00-00-bbbb.jsonl'),
      rollout(join(dir, 'elsewhere'), [
        { command: ['bash', '-lc', 'yarn tset'], output: 'error Command "tset" not found.\n', exit: 1 },
        { command: ['bash', '-lc', 'yarn test'], output: 'ok\n', exit: 0 },
      ]),
    );

    const report = await planLearn({
      workspace,
      agent: 'codex',
      claudeDir: join(dir, 'claude'),
      codexDir: join(dir, 'codex'),
    });
    assert.equal(report.transcripts, 1, "the other project's rollout is left out");
    assert.equal(report.skippedLines, 1, 'the truncated last line is counted, not fatal');
    assert.deepEqual(report.findings.map((f) => f.text).sort(), [
      '`ls --colour=never` fails (--colour is not an option); use `ls --color=never`.',
      '`rg` is not installed here; `grep -rn handler src` works instead.',
    ]);
    assert.ok(report.findings[0].tokens >= report.findings[1].tokens, 'ranked by the tokens the failures cost');
    assert.deepEqual(
      report.changes.map((c) => c.file),
      [join(workspace, 'AGENTS.md')],
    );

    const everywhere = await planLearn({
      workspace,
      agent: 'codex',
      claudeDir: join(dir, 'claude'),
      codexDir: join(dir, 'codex'),
      allProjects: true,
      local: true,
    });
    assert.equal(everywhere.transcripts, 2);
    assert.ok(
      everywhere.findings.some((f) => f.text === 'Run `yarn test`, not `yarn tset`: there is no "tset" script.'),
    );
    assert.deepEqual(
      everywhere.changes.map((c) => c.file),
      [join(workspace, 'AGENTS.local.md')],
    );
  });
});
