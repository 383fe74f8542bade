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
 * - `retrieve+client`: the same, calling the client's `shell` tool in the same turn as the retrieval
 *   (until the client has answered that call).
 * - `retrieve-twice`: two retrievals in two rounds (two pages of the original), then the answer.
 * - `agent`: drives a real agent CLI (see agentTurn).
 */
export function fakeModelTurn(script: string, view: ModelView, requestNumber: number): ModelTurn {
  if (script === 'agent') return agentTurn(view, requestNumber);
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
  const clientAnswered = view.outputs.some((o) => o.callId.startsWith('fake_client'));
  if (script === 'retrieve+client' && !clientAnswered)
    calls.unshift({ id: `fake_client_${requestNumber}`, name: 'shell', args: { cmd: 'ls' } });
  return { text: 'Let me look closer.', calls };
}

/** A 350-line log with one error, printed by a shell command every agent can run. */
export const AGENT_COMMAND =
  'seq 1 350 | awk \'{ if ($1 == 177) print "2026-11-24 10:00:00 ERROR worker " $1 " failed: disk quota exceeded"; else print "2026-11-24 10:00:00 INFO worker " $1 " processed batch " $1*7 " in " $1%13 "ms" }\'';

/** The shell tools of the agent CLIs, and the arguments each takes. */
const SHELL_TOOLS: Record<string, (command: string) => Record<string, unknown>> = {
  exec_command: (cmd) => ({ cmd }),
  shell: (cmd) => ({ cmd }),
  run_shell_command: (command) => ({ command, description: 'Print the log' }),
  Bash: (command) => ({ command, description: 'Print the log' }),
};

/**
 * A real agent's session: run AGENT_COMMAND with the agent's own shell tool; once its output
 * came back compressed, retrieve one line the compression left out (worker 300); then answer
 * `AGENT-DONE:` with that line, which only a working retrieval can have put there.
 */
function agentTurn(view: ModelView, requestNumber: number): ModelTurn {
  const tool = view.tools.find((name) => name in SHELL_TOOLS);
  if (!tool) return { text: `answer ${requestNumber} from the fake model`, calls: [] };
  const ran = view.outputs.filter((o) => o.name === tool);
  if (ran.length === 0)
    return {
      text: 'Printing the log.',
      calls: [{ id: `fake_agent_${requestNumber}`, name: tool, args: SHELL_TOOLS[tool](AGENT_COMMAND) }],
    };
  const hash = /retrieve hash=([0-9a-f]{24})/.exec(ran.map((o) => o.text).join('\n'))?.[1];
  const retrieved = view.outputs.find((o) => o.name === 'headroom_retrieve');
  if (hash && !retrieved && view.tools.includes('headroom_retrieve'))
    return {
      text: 'Looking closer.',
      calls: [
        { id: `fake_hr_${requestNumber}`, name: 'headroom_retrieve', args: { hash, query: 'worker 300 processed' } },
      ],
    };
  const line =
    retrieved?.text.split('\n').find((l) => !l.startsWith('[headroom:') && l.includes('worker 300 ')) ??
    'nothing retrieved';
  return { text: `AGENT-DONE: ${line}`, calls: [] };
}
