import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FindingCollector } from '../../src/learn/corrections';
import type { ToolCall } from '../../src/learn/toolCall';

const bash = (session: string, command: string, output: string, exitCode: number): ToolCall => ({
  agent: 'claude',
  session,
  at: '',
  tool: 'Bash',
  command,
  output,
  isError: exitCode !== 0,
  exitCode,
});
const missing = (session: string) => bash(session, 'npm run tests', 'npm error Missing script: "tests"', 1);
const fixed = (session: string) => bash(session, 'npm test', 'ok', 0);
const other = (session: string, i: number) => bash(session, `ls dir${i}`, 'a b', 0);

function findings(calls: ToolCall[]): string[] {
  const collector = new FindingCollector('/repo');
  calls.forEach((call) => collector.add(call));
  return collector.findings().map((f) => `${f.occurrences}×${f.sessions} ${f.text}`);
}

describe('pairing failures with their fixes', () => {
  it('takes the fix from the same session, within six calls, however sessions interleave', () => {
    assert.deepEqual(findings([missing('a'), fixed('b'), other('a', 1), fixed('a'), missing('b'), fixed('b')]), [
      '2×2 Run `npm test`, not `npm run tests`: there is no "tests" script.',
    ]);
  });

  it('does not pair a fix that comes more than six calls later, nor one from another session', () => {
    const late = [missing('a'), ...[1, 2, 3, 4, 5, 6].map((i) => other('a', i)), fixed('a')];
    assert.deepEqual(findings(late), []);
    assert.deepEqual(findings([missing('a'), fixed('b')]), []);
  });

  it('ranks by the tokens the failures cost, then by how often they happened', () => {
    const noisy = bash('s', 'rg handler', `rg: command not found\n${'x '.repeat(2_000)}`, 127);
    const ranked = findings([
      missing('s'),
      fixed('s'),
      missing('t'),
      fixed('t'),
      noisy,
      bash('s', 'grep -rn handler .', 'src/a.ts:1', 0),
    ]);
    assert.deepEqual(ranked, [
      '1×1 `rg` is not installed here; `grep -rn handler .` works instead.',
      '2×2 Run `npm test`, not `npm run tests`: there is no "tests" script.',
    ]);
  });
});
