import type { ToolCall } from './toolCall';

export type FailureKind =
  | 'missing-script'
  | 'command-not-found'
  | 'no-such-file'
  | 'permission-denied'
  | 'edit-mismatch'
  | 'unknown-option'
  | 'test-failure'
  | 'error';

export interface Failure {
  kind: FailureKind;
  /** The thing that was wrong: the script, the program, the option; absent when the kind says it all. */
  subject?: string;
}

const PATTERNS: Array<{ kind: FailureKind; pattern: RegExp }> = [
  {
    kind: 'missing-script',
    pattern:
      /Missing script: "?([\w:.@/-]+)"?|error Command "([\w:.-]+)" not found|ERR_PNPM_NO_SCRIPT\W+Missing script: ([\w:.-]+)/,
  },
  {
    kind: 'command-not-found',
    pattern:
      /(?:^|\n)(?:\S+: )?(?:line \d+: )?([\w.+-]+): (?:command )?not found|'([\w.+-]+)' is not recognized as an internal or external command|No such file or directory \(os error 2\)/,
  },
  {
    kind: 'unknown-option',
    pattern: /(?:unknown|unrecognized|invalid) (?:option|argument|flag)[:\s]+['"`]?(-{1,2}[\w-]+)/i,
  },
  {
    kind: 'edit-mismatch',
    pattern: /String to replace not found|old_string .*not found|apply_patch verification failed/i,
  },
  { kind: 'permission-denied', pattern: /Permission denied|EACCES|Operation not permitted/ },
  {
    kind: 'no-such-file',
    pattern: /No such file or directory|ENOENT|File does not exist|cannot find the path|does not exist/i,
  },
  { kind: 'test-failure', pattern: /\b\d+ (?:failed|failing)\b|Tests?:\s+\d+ failed|^FAIL\b/m },
];

/** Why a call failed, or undefined when it did not. */
export function failureOf(call: ToolCall): Failure | undefined {
  const failed = call.isError || (call.exitCode !== undefined && call.exitCode !== 0);
  if (!failed) return undefined;
  for (const { kind, pattern } of PATTERNS) {
    const match = pattern.exec(call.output);
    if (match) return { kind, subject: match.slice(1).find((group) => group !== undefined) };
  }
  return { kind: 'error' };
}
