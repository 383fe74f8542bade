import type { ToolCall } from './toolCall';

type Payload = {
  type?: string;
  name?: string;
  arguments?: string;
  input?: string;
  call_id?: string;
  output?: unknown;
  id?: string;
  cwd?: string;
  action?: { command?: unknown };
};
type CodexRecord = { timestamp?: string; type?: string; payload?: Payload };

/**
 * Reads Codex's rollout records (`~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl`): a
 * `function_call` (or `custom_tool_call`, `local_shell_call`) response item is matched with
 * its `*_output` item by `call_id`. The session's working directory comes from `session_meta`.
 */
export class CodexTranscript {
  private readonly pending = new Map<string, { tool: string; command?: string; path?: string }>();
  cwd: string | undefined;
  private session: string;

  constructor(session: string) {
    this.session = session;
  }

  read(record: CodexRecord): ToolCall[] {
    const item = record.payload;
    if (!item) return [];
    if (record.type === 'session_meta') {
      this.cwd = item.cwd;
      this.session = item.id ?? this.session;
      return [];
    }
    if (record.type !== 'response_item') return [];
    if (
      (item.type === 'function_call' || item.type === 'custom_tool_call' || item.type === 'local_shell_call') &&
      item.call_id
    ) {
      const input = item.arguments ?? item.input ?? JSON.stringify(item.action ?? {});
      this.pending.set(item.call_id, { tool: item.name ?? 'shell', ...callTarget(item, input) });
      return [];
    }
    if (!item.type?.endsWith('_output') || !item.call_id) return [];
    const call = this.pending.get(item.call_id);
    if (!call) return [];
    this.pending.delete(item.call_id);
    const { text, exitCode } = outputOf(item.output);
    return [
      {
        agent: 'codex',
        session: this.session,
        at: record.timestamp ?? '',
        tool: call.tool,
        command: call.command,
        path: call.path,
        output: text,
        isError:
          exitCode !== undefined ? exitCode !== 0 : /^(?:error|failed|apply_patch verification failed)/i.test(text),
        exitCode,
      },
    ];
  }
}

function callTarget(item: Payload, input: string): { command?: string; path?: string } {
  if (item.type === 'custom_tool_call')
    return { path: /\*\*\* (?:Update|Add|Delete) File: (.+)/.exec(input)?.[1]?.trim() };
  let args: { command?: unknown; cmd?: unknown; path?: unknown } = {};
  try {
    args = item.type === 'local_shell_call' ? { command: item.action?.command } : (JSON.parse(input) as typeof args);
  } catch {
    return {};
  }
  const command = args.command ?? args.cmd;
  const line = Array.isArray(command)
    ? shellLine(command.map(String))
    : typeof command === 'string'
      ? command
      : undefined;
  return { command: line, path: typeof args.path === 'string' ? args.path : undefined };
}

/** `["bash", "-lc", "npm test"]` is the command `npm test`. */
function shellLine(argv: string[]): string {
  if (argv.length === 3 && /(?:^|\/)(?:ba|z)?sh$/.test(argv[0]) && /^-l?c$/.test(argv[1])) return argv[2];
  return argv.map((arg) => (/[\s"'$]/.test(arg) ? JSON.stringify(arg) : arg)).join(' ');
}

/** Codex writes a shell result as JSON (`{output, metadata: {exit_code}}`) or as text with an "Exit code: N" line. */
function outputOf(output: unknown): { text: string; exitCode?: number } {
  const raw = typeof output === 'string' ? output : JSON.stringify(output ?? '');
  try {
    const parsed = JSON.parse(raw) as { output?: unknown; metadata?: { exit_code?: unknown } };
    if (typeof parsed === 'object' && parsed !== null && typeof parsed.output === 'string') {
      return {
        text: parsed.output,
        exitCode: typeof parsed.metadata?.exit_code === 'number' ? parsed.metadata.exit_code : undefined,
      };
    }
  } catch {
    // Plain text output.
  }
  const exit = /^Exit code: (\d+)/m.exec(raw);
  return { text: raw, exitCode: exit ? Number(exit[1]) : undefined };
}
