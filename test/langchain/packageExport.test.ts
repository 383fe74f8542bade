import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { HumanMessage, ToolMessage, AIMessage } from '@langchain/core/messages';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { bglLog } from '../helpers/corpora';

/** The package as a user installs it: `headroom-vscode/langchain`, resolved through package.json's exports (the built bundle). */
const SUBPATH = 'headroom-vscode/langchain';
const load = createRequire(__filename);
const published = () => load(SUBPATH) as typeof import('../../src/langchain');

describe('headroom-vscode/langchain, the published subpath', () => {
  it("resolves to the bundle, which uses the caller's own @langchain/core instead of a copy", async () => {
    const bundle = load.resolve(SUBPATH);
    assert.match(bundle, /dist[\\/]langchain\.js$/);
    assert.doesNotMatch(
      readFileSync(bundle, 'utf8'),
      /class BaseChatModel\b/,
      '@langchain/core is a peer dependency, not bundled',
    );

    const { HeadroomChatModel } = published();
    const model = new HeadroomChatModel({ model: new FakeListChatModel({ responses: ['fine'] }) });
    assert.ok(model instanceof BaseChatModel, "an instance of the caller's BaseChatModel, so agents accept it");
    const answer = await model.invoke([
      new HumanMessage('what failed?'),
      new AIMessage({ content: '', tool_calls: [{ id: 't1', name: 'cat', args: {} }] }),
      new ToolMessage({ content: bglLog().text, tool_call_id: 't1' }),
    ]);
    assert.equal(answer.content, 'fine');
    assert.ok(model.lastCompression.tokensAfter < model.lastCompression.tokensBefore / 4);
  });
});
