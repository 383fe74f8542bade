import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compressText } from '../../src/core/compressText';
import { openEnvelope } from '../../src/core/envelope';
import { MemoryStore } from '../../src/core/memoryStore';
import { isMarkerLine } from '../../src/core/marker';
import { bglLog } from '../helpers/corpora';

const numbered = (lines: readonly string[], separator: '→' | '\t', first = 1) =>
  lines.map((line, i) => `${String(first + i).padStart(6)}${separator}${line}`).join('\n');

describe("outputs inside an agent's wrapper or line numbers", () => {
  it('compresses a Claude Code Read view of a log as the same log unnumbered, each kept line with its own number', async () => {
    const lines = bglLog().lines.slice(0, 1_500);
    const plain = await compressText(lines.join('\n'), { store: new MemoryStore() });
    const view = await compressText(numbered(lines, '→'), { store: new MemoryStore() });
    assert.equal(view.kind, 'log');
    assert.ok(view.tokensAfter < view.tokensBefore / 5, `${view.tokensBefore} → ${view.tokensAfter}`);
    assert.ok(
      view.tokensAfter < plain.tokensAfter * 1.1,
      `numbered ${view.tokensAfter} against plain ${plain.tokensAfter}: only the numbers more`,
    );
    for (const line of view.text.split('\n')) {
      if (isMarkerLine(line)) continue;
      const m = /^ *(\d+)→(.*?)(?: \[×\d+\])?$/.exec(line);
      assert.ok(m, `a kept line keeps its number: ${line}`);
      assert.equal(lines[Number(m[1]) - 1], m[2], 'and it is the number of that very line');
    }
  });

  it('reads a numbered view of a file with CRLF line ends the same way, each kept line with its number', async () => {
    const lines = bglLog().lines.slice(0, 1_500);
    const view = await compressText(
      numbered(
        lines.map((line) => `${line}\r`),
        '\t',
      ),
      { store: new MemoryStore() },
    );
    assert.equal(view.kind, 'log');
    assert.ok(view.tokensAfter < view.tokensBefore / 5, `${view.tokensBefore} → ${view.tokensAfter}`);
    for (const line of view.text.split('\n')) {
      if (isMarkerLine(line)) continue;
      const m = /^ *(\d+)\t(.*?)\r?(?: \[×\d+\])?$/.exec(line);
      assert.ok(m, `a kept line keeps its number: ${line}`);
      assert.equal(lines[Number(m[1]) - 1], m[2]);
    }
  });

  it('numbers a range read from its own first line, and markers name lines by those numbers', async () => {
    const lines = bglLog().lines.slice(0, 800);
    const view = await compressText(numbered(lines, '\t', 1_201), { store: new MemoryStore() });
    const kept = view.text
      .split('\n')
      .filter((l) => !isMarkerLine(l))
      .map((l) => Number(/^ *(\d+)\t/.exec(l)?.[1]));
    assert.ok(
      kept.every((n) => n >= 1_201 && n <= 2_000),
      'every kept line has a number of the range read',
    );
  });

  it("keeps Codex's header and compresses the output under it", async () => {
    const header =
      'Chunk ID: 53a911\nWall time: 0.0100 seconds\nProcess exited with code 1\nOriginal token count: 61234\nOutput:\n';
    const result = await compressText(header + bglLog().text, { store: new MemoryStore() });
    assert.ok(result.text.startsWith(header), 'the header is byte for byte the same');
    assert.equal(result.kind, 'log');
    assert.ok(result.tokensAfter < result.tokensBefore / 5);
  });

  it("compresses what Gemini CLI's shell tool printed by its own kind, and keeps the frame around it", async () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({
      id: i,
      name: `pkg-${i}`,
      version: `1.${i}.0`,
      license: 'MIT',
    }));
    const printed = JSON.stringify(rows, null, 2);
    const framed = `<untrusted_context>\nOutput: ${printed}\nExit Code: 0\nProcess Group PGID: 2485\n</untrusted_context>`;
    const result = await compressText(framed, { store: new MemoryStore() });
    assert.equal(result.kind, 'json', 'the printed JSON is read as JSON, not as a log');
    assert.ok(result.text.startsWith('<untrusted_context>\nOutput: '));
    assert.ok(result.text.endsWith('\nExit Code: 0\nProcess Group PGID: 2485\n</untrusted_context>'));
    assert.ok(result.tokensAfter < result.tokensBefore / 4, `${result.tokensBefore} → ${result.tokensAfter}`);
    const inner = result.text.slice('<untrusted_context>\nOutput: '.length, result.text.indexOf('\nExit Code: 0'));
    assert.doesNotThrow(() => JSON.parse(inner), 'and stays valid JSON inside the frame');
  });

  it("compresses both halves of mini-swe-agent's truncated output and keeps its tags and notice", async () => {
    const log = bglLog().lines;
    const content = `<returncode>0</returncode>\n<warning>\nThe output of your last command was too long.\n</warning>\n<output_head>\n${log.slice(0, 600).join('\n')}\n</output_head>\n<elided_chars>\n12345 characters elided\n</elided_chars>\n<output_tail>\n${log.slice(-600).join('\n')}\n</output_tail>`;
    const envelope = openEnvelope(content);
    assert.equal(envelope?.bodies.length, 2);
    const result = await compressText(content, { store: new MemoryStore() });
    for (const tag of [
      '<returncode>0</returncode>\n<warning>',
      '</output_head>\n<elided_chars>\n12345 characters elided\n</elided_chars>\n<output_tail>\n',
      '\n</output_tail>',
    ])
      assert.ok(result.text.includes(tag), tag);
    assert.ok(result.tokensAfter < result.tokensBefore / 4);
  });

  it("keeps OpenHands' trailer and a Claude Code reminder after the output", async () => {
    const trailer = '\n[Current working directory: /workspace/ponyc]\n[Command finished with exit code 0]';
    const reminder =
      '\n\n<system-reminder>\nWhenever you read a file, consider whether it looks malicious.\n</system-reminder>\n';
    const result = await compressText(bglLog().text + trailer + reminder, { store: new MemoryStore() });
    assert.ok(result.text.endsWith(trailer + reminder));
    assert.ok(result.compressed);
  });

  it('leaves an output with no wrapper and no numbers to the compressors as it is', () => {
    assert.equal(openEnvelope(bglLog().text), undefined);
    assert.equal(openEnvelope('1\tone\n2\ttwo'), undefined, 'too few lines to be a numbered view');
  });
});
