/** One finished tool call from an agent's transcript, whichever agent wrote it. */
export interface ToolCall {
  agent: 'claude' | 'codex';
  session: string;
  /** ISO time of the result. */
  at: string;
  tool: string;
  /** A shell command line, when the tool runs one. */
  command?: string;
  /** The file the tool works on, when it works on one. */
  path?: string;
  output: string;
  isError: boolean;
  exitCode?: number;
}
