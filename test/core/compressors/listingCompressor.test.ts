import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectKind } from '../../../src/core/detect';
import { isMarkerLine } from '../../../src/core/marker';
import { compressWithStore, retrieveAll } from '../../helpers/engine';

/** A project of `dirs` directories under src/, each with files of a few types. */
function project(dirs: number, filesPerDir: number): { dirs: string[]; files: string[] } {
  const names: string[] = [];
  const files: string[] = [];
  for (let d = 0; d < dirs; d++) {
    const dir = `./src/area${d}/part${d % 4}`;
    names.push(dir);
    for (let f = 0; f < filesPerDir; f++) files.push(`${dir}/module${f}${['.ts', '.ts', '.json', '.md'][f % 4]}`);
  }
  return { dirs: names, files };
}

/** `find .` prints each directory before what is in it. */
function findOutput(dirs: number, filesPerDir: number): string {
  const { dirs: names, files } = project(dirs, filesPerDir);
  const lines = ['.', './src'];
  for (const dir of names) {
    lines.push(dir.slice(0, dir.lastIndexOf('/')), dir);
    lines.push(...files.filter((f) => f.startsWith(`${dir}/`)));
  }
  return [...new Set(lines)].join('\n');
}

function keptLinesAreOriginal(input: string, output: string): void {
  const original = new Set(input.split('\n'));
  for (const line of output.split('\n'))
    assert.ok(isMarkerLine(line) || original.has(line), `not from the input: ${JSON.stringify(line)}`);
}

describe('listing compressor', () => {
  it('find: keeps every directory, counts the rest of each by file type, and retrieves the original', async () => {
    const text = findOutput(30, 24);
    assert.equal(detectKind(text).kind, 'listing');
    const { result, store } = await compressWithStore(text);
    assert.equal(result.kind, 'listing');
    assert.equal(result.compressed, true);
    for (const dir of project(30, 24).dirs) assert.ok(result.text.split('\n').includes(dir), `${dir} is named`);
    assert.match(
      result.text,
      /\[headroom: \.\/src\/area7\/part3\/: 22 more files \(10 \.ts, 6 \.json, 6 \.md\) · retrieve hash=/,
    );
    assert.doesNotMatch(result.text, /\[×\d+\]/, 'no line stands for other paths');
    assert.ok(result.tokensAfter < result.tokensBefore * 0.35, `${result.tokensAfter} of ${result.tokensBefore}`);
    keptLinesAreOriginal(text, result.text);
    assert.equal(await retrieveAll(store, result.hash), text);
  });

  it('keeps the file the question names, wherever it is', async () => {
    const text = findOutput(30, 24).replace('./src/area12/part0/module18.json', './src/area12/part0/ccrStore.ts');
    const { result } = await compressWithStore(text, { query: 'where is ccrStore defined?' });
    assert.ok(result.text.split('\n').includes('./src/area12/part0/ccrStore.ts'));
  });

  it('a path with "error" in it is a path like any other, not an error line', async () => {
    const files = Array.from({ length: 120 }, (_, i) => `src/errors/error${i}Handler.ts`);
    const { result } = await compressWithStore(files.join('\n'));
    assert.equal(result.kind, 'listing');
    assert.ok(result.text.split('\n').length < 10, result.text);
    assert.match(result.text, /\[headroom: src\/errors\/: 118 more files \(118 \.ts\)/);
  });

  it('git ls-files (no directory lines): each directory is named in the marker that counts its files', async () => {
    const text = project(12, 30)
      .files.map((f) => f.slice(2))
      .join('\n');
    const { result } = await compressWithStore(text);
    for (let d = 0; d < 12; d++)
      assert.match(result.text, new RegExp(`\\[headroom: src/area${d}/part${d % 4}/: 28 more files`));
    keptLinesAreOriginal(text, result.text);
  });

  it('ls -R: every directory header stays, with its files counted under it', async () => {
    const blocks = ['.:', 'lib', 'src', ''];
    for (let d = 0; d < 10; d++) {
      blocks.push(`./src/pkg${d}:`, ...Array.from({ length: 25 }, (_, f) => `file${f}.${f % 2 ? 'go' : 'txt'}`), '');
    }
    const text = blocks.join('\n');
    assert.equal(detectKind(text).kind, 'listing');
    const { result } = await compressWithStore(text);
    for (let d = 0; d < 10; d++)
      assert.ok(
        result.text.includes(
          `./src/pkg${d}:\nfile0.txt\nfile1.go\n[headroom: ./src/pkg${d}/: 23 more files (12 .txt, 11 .go)`,
        ),
      );
    keptLinesAreOriginal(text, result.text);
  });

  it('tree: directories kept at their depth, the marker indented under them', async () => {
    const lines = ['.', '└── src'];
    for (let d = 0; d < 8; d++) {
      lines.push(`    ${d === 7 ? '└' : '├'}── pkg${d}`);
      for (let f = 0; f < 20; f++) lines.push(`    ${d === 7 ? ' ' : '│'}   ${f === 19 ? '└' : '├'}── file${f}.py`);
    }
    lines.push('', '9 directories, 160 files');
    const text = lines.join('\n');
    assert.equal(detectKind(text).kind, 'listing');
    const { result } = await compressWithStore(text);
    assert.match(
      result.text,
      /├── pkg3\n {4}│ {3}├── file0\.py\n {4}│ {3}├── file1\.py\n {8}\[headroom: src\/pkg3\/: 18 more files \(18 \.py\)/,
    );
    assert.ok(result.text.endsWith('9 directories, 160 files'));
    keptLinesAreOriginal(text, result.text);
  });

  it('npm ls: every package with dependencies stays, its leaves counted as packages, no [×N]', async () => {
    const lines = ['app@1.0.0 /home/dev/app'];
    for (let p = 0; p < 8; p++) {
      lines.push(`${p === 7 ? '└' : '├'}─┬ pkg${p}@1.${p}.0`);
      for (let d = 0; d < 18; d++) lines.push(`${p === 7 ? ' ' : '│'} ${d === 17 ? '└' : '├'}── dep${p}-${d}@2.${d}.1`);
    }
    const text = lines.join('\n');
    assert.equal(detectKind(text).kind, 'listing');
    const { result } = await compressWithStore(text);
    for (let p = 0; p < 8; p++) assert.ok(result.text.includes(`─┬ pkg${p}@1.${p}.0`), `pkg${p} is named`);
    assert.match(result.text, /\n {2}\[headroom: pkg3@1\.3\.0: 16 more packages under it · retrieve hash=/);
    assert.doesNotMatch(result.text, /\[×\d+\]/);
    keptLinesAreOriginal(text, result.text);
  });

  it('history keeps the files the conversation went on to name', async () => {
    const text = findOutput(30, 24);
    const { result } = await compressWithStore(text, { history: true, focus: { has: (word) => word === 'module13' } });
    assert.ok(result.text.split('\n').includes('./src/area9/part1/module13.ts'));
  });

  it('is not fooled by code or YAML whose lines end with a colon', () => {
    const python = Array.from(
      { length: 20 },
      (_, i) => `def handler${i}(request):\n    return respond(request, ${i})`,
    ).join('\n');
    const yaml = Array.from({ length: 20 }, (_, i) => `service${i}:\n  image: app:${i}\n  replicas: 2`).join('\n');
    assert.notEqual(detectKind(python).kind, 'listing');
    assert.notEqual(detectKind(yaml).kind, 'listing');
  });
});
