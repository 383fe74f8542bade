import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentHash } from '../../src/core/hash';
import { MemoryStore } from '../../src/core/memoryStore';
import { answerRetrieve } from '../../src/core/retrieveAnswer';

describe('answering a retrieve call', () => {
  it('says in one line that nothing matched and returns the start of the original instead', async () => {
    const store = new MemoryStore();
    const content = Array.from(
      { length: 900 },
      (_, i) => `2026-11-26 10:00:${String(i % 60).padStart(2, '0')} INFO worker ${i} processed a batch`,
    ).join('\n');
    const hash = contentHash(content);
    await store.putOriginal({ hash, content, kind: 'log' });
    const answer = await answerRetrieve({ hash, query: 'kerberos ticket expired' }, store);
    assert.equal(answer.isError, false);
    const [header, ...lines] = answer.content.split('\n');
    assert.equal(
      header,
      `[headroom: nothing in original ${hash} matches "kerberos ticket expired"; its first 400 of 900 lines follow; more with offset=400]`,
    );
    assert.deepEqual(lines, content.split('\n').slice(0, 400));
    const matched = await answerRetrieve({ hash, query: 'worker 817' }, store);
    assert.match(matched.content, /^\[headroom: original [0-9a-f]{24}: lines 1–\d+ of the \d+ matching "worker 817"/);
  });

  it('returns a function or method whole by its name, in any language, or says there is none', async () => {
    const store = new MemoryStore();
    const typescript = [
      "import { readFileSync } from 'node:fs';",
      'export class Parser {',
      '  constructor(private readonly strict: boolean) {}',
      '  parse(text: string): Node {',
      "    const open = '{';",
      '    if (text.startsWith(open)) {',
      '      return this.object(text);',
      '    }',
      '    return this.value(text);',
      '  }',
      '  object(text: string): Node {',
      '    return { text };',
      '  }',
      '}',
      ...Array.from({ length: 200 }, (_, i) => `export const constant${i} = ${i};`),
    ].join('\n');
    const python = [
      'class Store:',
      '    def open(self, name):',
      '        data = {"name": name}',
      '        return data',
      '',
      '    def close(self):',
      '        pass',
    ].join('\n');
    for (const content of [typescript, python])
      await store.putOriginal({ hash: contentHash(content), content, kind: 'code' });

    const method = await answerRetrieve({ hash: contentHash(typescript), symbol: 'Parser.parse' }, store);
    const [header, ...body] = method.content.split('\n');
    assert.match(
      header,
      /^\[headroom: original [0-9a-f]{24}: lines 4–10, the definition of Parser\.parse, 214 lines in all\]$/,
    );
    assert.deepEqual(body, typescript.split('\n').slice(3, 10), 'the whole method, the brace in a string not counted');
    const open = await answerRetrieve({ hash: contentHash(python), symbol: 'Store.open' }, store);
    assert.deepEqual(
      open.content.split('\n').slice(1),
      python.split('\n').slice(1, 4),
      'a Python method ends where its indentation does',
    );

    const missing = await answerRetrieve({ hash: contentHash(typescript), symbol: 'Lexer.next' }, store);
    assert.equal(missing.isError, false);
    assert.match(
      missing.content,
      /^\[headroom: no definition of Lexer\.next in original [0-9a-f]{24}; its first 214 of 214 lines follow\]/,
    );
  });
});
