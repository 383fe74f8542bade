import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitLines } from '../../src/core/compressors/lines';
import { compressText } from '../../src/core/compressText';
import { isMarkerLine, markerHashes, parseKeptLine } from '../../src/core/marker';
import { MemoryStore } from '../../src/core/memoryStore';
import { CONTENT_KINDS, type ContentKind, type EngineOptions } from '../../src/core/types';
import { TreeSitterParser } from '../../src/syntax/treeSitterParser';
import { seededRandom } from '../helpers/records';

const random = seededRandom(20261124);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
const int = (max: number) => Math.floor(random() * max);

function randomString(length: number): string {
  const alphabets = [
    'abcdefghijklmnopqrstuvwxyz ',
    '0123456789:-./ ',
    '{}[]",:\\ \n',
    '\u0000\u0001\u001f\ud800\udfff\ufffd€é漢😀',
    'ERROR WARN INFO at File " +-@@ ',
  ];
  let out = '';
  for (let i = 0; i < length; i++) out += pick(pick(alphabets).split(''));
  return out;
}

function randomJson(depth: number): unknown {
  const roll = random();
  if (depth > 3 || roll < 0.3)
    return pick([int(1000), random() * 1e6 - 5e5, 'text ' + int(50), true, null, 'error: boom', -0, 1e308]);
  if (roll < 0.6) return Array.from({ length: int(depth === 0 ? 60 : 6) }, () => randomJson(depth + 1));
  if (roll < 0.8 && depth <= 1) {
    const keys = ['id', 'status', 'name', 'error', 'value', 'level', 'items', 'ok'];
    return Array.from({ length: 20 + int(60) }, (_, i) =>
      Object.fromEntries(keys.filter(() => random() < 0.7).map((k) => [k, k === 'id' ? i : randomJson(depth + 2)])),
    );
  }
  return Object.fromEntries(
    Array.from({ length: random() < 0.2 ? 24 + int(40) : int(8) }, (_, i) => [`k${i}`, randomJson(depth + 1)]),
  );
}

function randomLines(): string {
  const shapes = [
    () =>
      `2024-01-0${1 + int(9)} 10:${int(60)}:00 ${pick(['INFO', 'WARN', 'ERROR', 'DEBUG'])} svc-${int(5)} did ${pick(['read', 'write', 'sync'])} ${int(99999)}`,
    () =>
      `src/${pick(['a', 'b', 'c'])}/${int(30)}.ts:${int(500)}:${pick(['', `${int(80)}:`])}  match ${randomString(10)}`,
    () => pick(['+', '-', ' ', '@@ -1,3 +1,4 @@', 'diff --git a/x b/x', '--- a/x', '+++ b/x']) + randomString(int(40)),
    () => '    at ' + randomString(20),
    () => randomString(int(120)),
    () => '',
  ];
  return Array.from({ length: int(400) }, () => pick(shapes)()).join(pick(['\n', '\r\n']));
}

/** Tables with random cells (quoted, empty, odd) and a few stray lines and ragged rows. */
function randomTable(): string {
  const delimiter = pick([',', '\t', ';', ' | ', '   ']);
  const columns = Array.from({ length: 2 + int(6) }, (_, j) =>
    delimiter === '   ' ? `COL${j}` : pick(['id', 'name', 'status', 'error', 'value', 'ok']) + j,
  );
  const text = () => randomString(1 + int(12)).replace(/[\s,;|"]/g, 'x');
  const cell = () =>
    pick([
      String(int(1000)),
      String(random() * 1e4 - 5e3),
      'true',
      'false',
      'error:boom',
      '503',
      text(),
      ...(delimiter === '   ' ? [] : ['', `"a${delimiter}b ""c"""`]),
    ]);
  const rows = Array.from({ length: int(300) }, () => {
    if (random() < 0.01) return randomString(int(40));
    const count = random() < 0.02 ? columns.length + pick([-1, 1]) : columns.length;
    return Array.from({ length: count }, cell).join(delimiter);
  });
  return [columns.join(delimiter), ...rows].join(pick(['\n', '\r\n']));
}

/** File listings as find, `ls -R` and tree print them, with odd names and stray lines. */
function randomListing(): string {
  const name = () =>
    pick(['src', 'lib', 'a b', 'x.ts', 'error.log', 'README', '.env', 'ü.md', '-dash', '日本']) + int(50);
  const paths = Array.from({ length: 20 + int(300) }, () => Array.from({ length: 1 + int(5) }, name).join('/'));
  return pick([
    () => paths.map((p) => (random() < 0.1 ? `./${p}/` : `./${p}`)).join('\n'),
    () => paths.map((p, i) => (i % (5 + int(20)) === 0 ? `\n./${p}:` : p.split('/').pop())).join('\n'),
    () =>
      [
        '.',
        ...paths.map((p) => `${'│   '.repeat(int(4))}${pick(['├── ', '└── '])}${p.split('/').pop()}`),
        '',
        '3 directories, 9 files',
      ].join('\n'),
    () => paths.map((p) => (random() < 0.05 ? randomString(int(60)) : p)).join('\n'),
  ])();
}

function inputs(): string[] {
  const out: string[] = [];
  for (let i = 0; i < 120; i++) out.push(randomLines());
  for (let i = 0; i < 60; i++) out.push(randomTable());
  for (let i = 0; i < 40; i++) out.push(randomListing());
  for (let i = 0; i < 100; i++) out.push(JSON.stringify(randomJson(0), null, pick([0, 2])));
  for (let i = 0; i < 60; i++) {
    const json = JSON.stringify(randomJson(0));
    out.push(json.slice(0, int(json.length)));
  }
  for (let i = 0; i < 40; i++) out.push(randomString(int(4000)));
  out.push(`${'['.repeat(10_000)}${']'.repeat(10_000)}`);
  out.push(`${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`);
  out.push(Buffer.from(Array.from({ length: 5000 }, () => int(256))).toString('latin1'));
  out.push(Buffer.from(Array.from({ length: 5000 }, () => int(256))).toString('utf8'));
  return out;
}

async function checkInvariants(
  input: string,
  kind: ContentKind | undefined,
  options: EngineOptions = {},
): Promise<void> {
  const store = new MemoryStore();
  const result = await compressText(input, {
    kind,
    store,
    minTokens: 20,
    query: pick([undefined, 'error status', 'sync']),
    ...options,
  });
  assert.equal(typeof result.text, 'string');
  if (!result.compressed) {
    assert.equal(result.text, input);
    return;
  }
  let inputIsJson = true;
  try {
    JSON.parse(input);
  } catch {
    inputIsJson = false;
  }
  if (inputIsJson) assert.doesNotThrow(() => JSON.parse(result.text), 'JSON in, JSON out');
  else {
    const original = new Set(splitLines(input));
    for (const line of splitLines(result.text)) {
      if (line === '' || isMarkerLine(line)) continue;
      assert.ok(
        original.has(parseKeptLine(line).line) || original.has(line),
        `retained line not in the original: ${JSON.stringify(line.slice(0, 80))}`,
      );
    }
  }
  for (const hash of markerHashes(result.text))
    assert.ok(store.getOriginal(hash), `marker hash ${hash} retrieves nothing`);
  assert.equal(store.getOriginal(result.hash)?.content, input);
}

/** Source files in the languages the parser reads, with random bodies, names and stray text. */
function randomCode(): { text: string; path: string } {
  const [extension, open, close, statement] = pick([
    [
      'ts',
      (name: string) => `export function ${name}(a: number): string {`,
      '}',
      (i: number) => `  const v${i} = a * ${int(100)}; // ${randomString(int(20))}`,
    ],
    [
      'py',
      (name: string) => `def ${name}(a):`,
      '',
      (i: number) => `    v${i} = a * ${int(100)}  # ${randomString(int(20))}`,
    ],
    [
      'go',
      (name: string) => `func ${name}(a int) int {`,
      '}',
      (i: number) => `	v${i} := a * ${int(100)} // ${randomString(int(20))}`,
    ],
    [
      'rs',
      (name: string) => `fn ${name}(a: i32) -> i32 {`,
      '}',
      (i: number) => `    let v${i} = a * ${int(100)}; // ${randomString(int(20))}`,
    ],
  ] as const);
  const lines: string[] = [];
  for (let f = 0; f < 5 + int(40); f++) {
    lines.push((open as (name: string) => string)(`f${f}_${int(1000)}`));
    for (let i = 0; i < int(30); i++)
      lines.push(random() < 0.03 ? randomString(int(40)) : (statement as (i: number) => string)(i));
    if (close) lines.push(close);
    lines.push('');
  }
  return { text: lines.join('\n'), path: `src/file.${extension}` };
}

/** Random lines shown as an agent shows them: numbered, or under an agent's header. */
function randomView(): string {
  const lines = splitLines(pick([randomLines(), randomCode().text]));
  const numbered = () =>
    lines.map((line, i) => `${String(1 + i + int(3)).padStart(6)}${pick(['→', '\t'])}${line}`).join('\n');
  return pick([
    numbered,
    () =>
      `Chunk ID: ab12\nWall time: 0.1 seconds\nProcess exited with code ${int(3)}\nOriginal token count: ${int(9999)}\nOutput:\n${lines.join('\n')}`,
    () =>
      `<returncode>${int(2)}</returncode>\n<output_head>\n${lines.slice(0, 200).join('\n')}\n</output_head>\n<elided_chars>\n${int(9999)} characters elided\n</elided_chars>\n<output_tail>\n${lines.slice(200).join('\n')}\n</output_tail>`,
    () => `${numbered()}\n\n<system-reminder>\n${randomString(80)}\n</system-reminder>\n`,
  ])();
}

describe('fuzz: every compressor on random and malformed input', () => {
  const cases = inputs();
  for (const kind of [undefined, ...CONTENT_KINDS]) {
    it(`${kind ?? 'auto-detect'}: ${cases.length} inputs, no exception, invariants hold`, async () => {
      for (const input of cases) await checkInvariants(input, kind);
    });
  }

  it("the code outline, agents' wrappers and numbered views, and history: no exception, invariants hold", async () => {
    const parser = new TreeSitterParser();
    for (let i = 0; i < 80; i++) {
      const code = randomCode();
      const focus = { has: (word: string) => word.endsWith(String(int(10))) };
      await checkInvariants(code.text, undefined, {
        codeParser: parser,
        tool: 'Read',
        toolInput: { file_path: code.path },
        history: random() < 0.5,
        focus,
      });
    }
    for (let i = 0; i < 80; i++)
      await checkInvariants(randomView(), undefined, { codeParser: parser, history: random() < 0.5 });
    for (const input of inputs().slice(0, 120))
      await checkInvariants(input, undefined, { history: true, focus: { has: (word) => word.length % 3 === 0 } });
  });

  it('a 10 MB single line comes back whole or compressed, never an exception', async () => {
    const line = 'x'.repeat(10 * 1024 * 1024);
    const result = await compressText(line, { store: new MemoryStore() });
    assert.equal(result.text, line);
  });
});
