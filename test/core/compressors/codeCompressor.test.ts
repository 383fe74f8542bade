import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compressText } from '../../../src/core/compressText';
import { isMarkerLine, markerHashes } from '../../../src/core/marker';
import { MemoryStore } from '../../../src/core/memoryStore';
import { TreeSitterParser } from '../../../src/syntax/treeSitterParser';

const parser = new TreeSitterParser();

/** A generated TypeScript module: `count` classes of methods, each body `bodyLines` long, names unique. */
function typescriptModule(count: number, bodyLines: number): string {
  const out = ["import { readFileSync } from 'node:fs';", "import type { Options } from './options';", ''];
  for (let c = 0; c < count; c++) {
    out.push(
      `/** Service number ${c}. */`,
      `export class Service${c} {`,
      `  constructor(private readonly options: Options) {}`,
      '',
    );
    for (const verb of ['load', 'store', 'render']) {
      out.push(`  ${verb}Record${c}(id: number): string {`);
      for (let i = 0; i < bodyLines; i++)
        out.push(`    const step${i} = this.options.prefix + String(id * ${i + c}) + '${verb}';`);
      out.push(`    return readFileSync(step0, 'utf8');`, '  }', '');
    }
    out.push('}', '');
  }
  return out.join('\n');
}

describe('the code compressor, with a parser', () => {
  it('outlines a 2,000-line TypeScript file read whole, keeping the function the question is about', async () => {
    const source = typescriptModule(40, 12);
    assert.ok(source.split('\n').length >= 2_000);
    const store = new MemoryStore();
    const result = await compressText(source, {
      store,
      codeParser: parser,
      tool: 'Read',
      toolInput: { file_path: '/repo/src/services.ts' },
      query: 'why does renderRecord17 return the wrong file?',
    });
    assert.equal(result.kind, 'code');
    assert.ok(result.tokensAfter < result.tokensBefore * 0.4, `${result.tokensBefore} → ${result.tokensAfter}`);
    const whole = / {2}renderRecord17\(id: number\): string \{\n[\s\S]*?\n {2}\}\n/.exec(source)![0];
    assert.ok(result.text.includes(whole), 'the function asked about is kept whole');
    for (const signature of [
      'export class Service3 {',
      '  loadRecord3(id: number): string {',
      "import type { Options } from './options';",
    ])
      assert.ok(result.text.includes(signature), signature);
    // Each elided body retrieves exactly the lines it stands for.
    const line = result.text.split('\n').find((l) => l.includes('body of Service5.storeRecord5'))!;
    assert.ok(isMarkerLine(line.trim()));
    const body = store.getOriginal(markerHashes(line)[0])!.content;
    assert.ok(body.startsWith("    const step0 = this.options.prefix + String(id * 5) + 'store';"));
    assert.ok(body.endsWith("    return readFileSync(step0, 'utf8');"));
  });

  it('leaves a range the model has just read as it is: it is about to edit it', async () => {
    const source = typescriptModule(40, 12);
    const result = await compressText(source, {
      store: new MemoryStore(),
      codeParser: parser,
      tool: 'Read',
      toolInput: { file_path: '/repo/src/services.ts', offset: 1, limit: 2_400 },
    });
    assert.equal(result.compressed, false);
  });

  it('outlines history, keeping the bodies the later conversation named', async () => {
    const source = typescriptModule(6, 8);
    const focus = { has: (word: string) => word === 'storeRecord2' };
    const result = await compressText(source, {
      store: new MemoryStore(),
      codeParser: parser,
      history: true,
      focus,
      tool: 'Read',
      toolInput: { file_path: 'a.ts', offset: 1, limit: 400 },
    });
    assert.ok(result.compressed);
    assert.ok(
      result.text.includes("    const step7 = this.options.prefix + String(id * 9) + 'store';"),
      'storeRecord2 stays whole',
    );
    assert.ok(result.text.includes('body of Service2.loadRecord2'), 'its neighbours do not');
  });

  it('reads Python, Go, Rust, Java and C++ as well', async () => {
    const samples: Record<string, string> = {
      python: 'class A:\n    def f(self):\n        a = 1\n        b = 2\n        c = 3\n        return a\n',
      go: 'package m\n\nfunc F() int {\n\ta := 1\n\tb := 2\n\tc := 3\n\treturn a\n}\n',
      rust: 'fn f() -> i32 {\n    let a = 1;\n    let b = 2;\n    let c = 3;\n    a\n}\n',
      java: 'class A {\n  int f() {\n    int a = 1;\n    int b = 2;\n    int c = 3;\n    return a;\n  }\n}\n',
      cpp: 'int A::f() {\n  int a = 1;\n  int b = 2;\n  int c = 3;\n  return a;\n}\n',
    };
    for (const [language, code] of Object.entries(samples)) {
      const outline = await parser.outline(code, language);
      assert.equal(outline?.bodies.length, 1, language);
      assert.equal(outline!.errorShare, 0, language);
    }
  });
});
