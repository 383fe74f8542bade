/**
 * The model behind every strict fake of the contract suite, independent of any API: it sees
 * the conversation's tool outputs and the tools offered, and answers with text and calls.
 * Each API's kit renders its turns in that API's wire shapes.
 */

export interface ModelView {
  /** Tool outputs in the conversation, in order, with the name of the call they answer. */
  outputs: Array<{ callId: string; name: string; text: string }>;
  /** Names of the tools the request offers. */
  tools: string[];
}

export interface ModelCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

export interface ModelTurn {
  text: string;
  calls: ModelCall[];
}

/**
 * - `answer`: text only.
 * - `retrieve`: expands a marker it sees with headroom_retrieve, then answers from what it read.
 * - `retrieve+client`: the same, calling the client's `shell` tool in the same turn as the retrieval.
 * - `retrieve-twice`: two retrievals in two rounds (two pages of the original), then the answer.
 */
export function fakeModelTurn(script: string, view: ModelView, requestNumber: number): ModelTurn {
  const retrievals = view.outputs.filter((o) => o.name === 'headroom_retrieve');
  const hash = /retrieve hash=([0-9a-f]{24})/.exec(view.outputs.map((o) => o.text).join('\n'))?.[1];
  const canRetrieve = hash !== undefined && view.tools.includes('headroom_retrieve');
  const wanted = script === 'retrieve-twice' ? 2 : 1;
  if (script === 'answer' || !canRetrieve || retrievals.length >= wanted) {
    const read = retrievals.map((r) => r.text.split('\n')[0]).join(' | ');
    return { text: read ? `I read the original: ${read}` : `answer ${requestNumber} from the fake model`, calls: [] };
  }
  const calls: ModelCall[] = [
    {
      id: `fake_hr_${requestNumber}`,
      name: 'headroom_retrieve',
      args: { hash, offset: retrievals.length * 2, limit: 2 },
    },
  ];
  if (script === 'retrieve+client')
    calls.unshift({ id: `fake_client_${requestNumber}`, name: 'shell', args: { cmd: 'ls' } });
  return { text: 'Let me look closer.', calls };
}
