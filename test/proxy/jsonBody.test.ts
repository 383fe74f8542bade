import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_JSON_DEPTH, parseJsonBody, type JsonBody } from '../../src/proxy/jsonBody';
import { seededRandom } from '../helpers/records';

function parsed(text: string): JsonBody {
  const body = parseJsonBody(text);
  assert.ok(body && !('unreadable' in body), `parsed ${text.slice(0, 80)}`);
  return body;
}

describe('jsonBody', () => {
  it('writes an unchanged body back byte for byte, whatever its number literals', () => {
    const text =
      '{"a":9007199254740993,"b":[1.0,1e5,-0,0.1000000000000000055511151231257827,12345678901234567890],"c":"1.0 \\" 2e9","d":-12.50E+3}';
    const body = parsed(text);
    assert.equal(body.serialise(body.value).toString(), text);
  });

  it('keeps the literals where they are when the body around them changes', () => {
    const body = parsed('{"n":18446744073709551615,"messages":[{"content":"long tool output"}],"t":1.50}');
    const value = body.value as { messages: Array<{ content: string }>; tools?: unknown[] };
    value.messages[0].content = 'short';
    value.tools = [{ name: 'headroom_retrieve' }];
    assert.equal(
      body.serialise(value).toString(),
      '{"n":18446744073709551615,"messages":[{"content":"short"}],"t":1.50,"tools":[{"name":"headroom_retrieve"}]}',
    );
  });

  it('reads numbers inside strings as text, escaped quotes and backslashes included', () => {
    const text = '{"s":"x\\\\","t":"9007199254740993 \\"1.0\\"","u":[1.0]}';
    const body = parsed(text);
    assert.deepEqual((body.value as { s: string }).s, 'x\\');
    assert.equal(body.serialise(body.value).toString(), text);
  });

  it('refuses nesting deeper than it can walk, and leaves malformed JSON to the upstream', () => {
    const deep = `${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`;
    assert.deepEqual(parseJsonBody(deep), { unreadable: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` });
    assert.ok(parsed(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`));
    for (const malformed of ['{"a":1-2}', '{"a":01.0}', '{"a":', '{"a":1.0,}', '{"a":"\\u0000headroom-x-0"'])
      assert.equal(parseJsonBody(malformed), undefined, malformed);
  });

  it('fuzz: any body of random literals and strings is written back exactly', () => {
    const random = seededRandom(41);
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
    const literal = () =>
      pick([
        () => String(Math.floor(random() * 1e6)),
        () =>
          `${pick(['', '-'])}${Math.floor(random() * 9) + 1}${'0123456789'.repeat(3).slice(0, Math.floor(random() * 25))}`,
        () => `${Math.floor(random() * 100)}.${'0'.repeat(Math.floor(random() * 3))}${Math.floor(random() * 100)}`,
        () => `${Math.floor(random() * 10)}${pick(['e', 'E'])}${pick(['', '+', '-'])}${Math.floor(random() * 400)}`,
        () => JSON.stringify(pick(['', 'a"b', '\\', '1.0', '\u0000', 'é', '9007199254740993'])),
        () => pick(['true', 'false', 'null', '-0', '0']),
      ])();
    const value = (depth: number): string =>
      depth > 3 || random() < 0.4
        ? literal()
        : random() < 0.5
          ? `[${Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1)).join(',')}]`
          : `{${Array.from({ length: Math.floor(random() * 4) }, (_, i) => `"k${i}":${value(depth + 1)}`).join(',')}}`;
    for (let i = 0; i < 500; i++) {
      const text = `{"root":${value(0)}}`;
      const body = parsed(text);
      assert.equal(body.serialise(body.value).toString(), text);
    }
  });
});
