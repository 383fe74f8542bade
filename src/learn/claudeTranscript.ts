import type { ToolCall } from './toolCall';

type Block = {
  type?: string;
  id?: string;
  name?: string;
  input?: Record<string, unknown>;
  tool_use_id?: string;
  content?: unknown;
  is_error?: boolean;
  text?: string;
};
type ClaudeRecord = { type?: string; timestamp?: string; message?: { content?: unknown }; toolUseResult?: unknown };

const PATH_INPUTS = ['file_path', 'notebook_path', 'path'];

/**
 * Reads Claude Code's transcript records (`~/.claude/projects/<project>/<session>.jsonl`):
 * an assistant record's `tool_use` blocks are matched with the `tool_result` blocks of a later
 * user record by id. Record types it does not know (attachments, summaries, snapshots) are
 * passed over.
 */
export class ClaudeTranscript {
  private readonly pending = new Map<string, { tool: string; input: Record<string, unknown> }>();

  /**
   * `session` names the transcript file: a subagent's file carries its parent's sessionId but
   * is a thread of its own, and a fix is only looked for in the same thread.
   */
  constructor(private readonly session: string) {}

  /** The calls this record finishes. */
  read(record: ClaudeRecord): ToolCall[] {
    const blocks = Array.isArray(record.message?.content) ? (record.message.content as Block[]) : [];
    if (record.type === 'assistant') {
      for (const block of blocks)
        if (block.type === 'tool_use' && block.id && block.name)
          this.pending.set(block.id, { tool: block.name, input: block.input ?? {} });
      return [];
    }
    if (record.type !== 'user') return [];
    const calls: ToolCall[] = [];
    for (const block of blocks) {
      if (block.type !== 'tool_result' || !block.tool_use_id) continue;
      const call = this.pending.get(block.tool_use_id);
      if (!call) continue;
      this.pending.delete(block.tool_use_id);
      const output = resultText(block.content);
      const exit = /^(?:Error: )?Exit code (\d+)/.exec(output);
      const command = typeof call.input.command === 'string' ? call.input.command : undefined;
      const pathKey = PATH_INPUTS.find((key) => typeof call.input[key] === 'string');
      calls.push({
        agent: 'claude',
        session: this.session,
        at: record.timestamp ?? '',
        tool: call.tool,
        command,
        path: pathKey ? String(call.input[pathKey]) : undefined,
        output,
        isError: block.is_error === true,
        exitCode: exit ? Number(exit[1]) : command !== undefined && block.is_error !== true ? 0 : undefined,
      });
    }
    return calls;
  }
}

function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((part: Block) => (part?.type === 'text' ? String(part.text ?? '') : '')).join('\n');
  return '';
}
