/**
 * What a tool output is, judged from the call that produced it (the tool and its arguments),
 * so the benchmark can say which kinds of output the saving came from. Coding agents name
 * their tools differently (Claude Code's Read, Codex's exec_command, OpenHands'
 * str_replace_editor, mini-swe-agent's bash), so shell commands are read for what they run.
 */
export const TOOL_OUTPUT_KINDS = [
  'file view',
  'file listing',
  'edit result',
  'search',
  'diff',
  'test run',
  'build or lint',
  'version control',
  'command run',
  'other',
] as const;
export type ToolOutputKind = (typeof TOOL_OUTPUT_KINDS)[number];

import { shellCommandOf } from '../../src/core/codeOutline';

type Json = Record<string, unknown>;

const TEST =
  /\b(pytest|py\.test|jest|vitest|mocha|tox|nox|rspec|phpunit|ctest)\b|\b(go|cargo|bun|npm|pnpm|yarn|deno|dotnet|mix|swift|make|mvn|gradle)\s+(run\s+)?(test|tests|itest|check)\b|\bunittest\b|\bnode\s+--test\b|\bmise\s+run\s+test/;
const BUILD =
  /\b(tsc|eslint|biome|ruff|mypy|pylint|flake8|golangci-lint|clippy|gcc|g\+\+|clang|cmake|ninja)\b|\b(go|cargo|npm|pnpm|yarn|bun|make|mvn|gradle|dotnet|mise)\s+(run\s+)?(build|vet|lint|compile|typecheck|fmt)\b|^\s*make\b/;
const LISTING = /^\s*(ls|find|tree|fd|du)\b|\bgit\s+ls-files\b|\brg\s+--files\b/;
const SEARCH = /^\s*(rg|grep|egrep|ag|ack|git\s+grep)\b/;
const VIEW = /^\s*(cat|head|tail|less|nl|bat)\b|^\s*sed\s+-n\b/;
const DIFF = /\bgit\s+(diff|show)\b|^\s*diff\b|\bgit\s+log\s+(-p|--patch)\b/;
const VCS = /^\s*(git|gh|hg|jj)\b/;

/** The command a shell tool ran, first of a pipeline or `cd x &&` chain that does the work. */
function mainCommand(command: string): string {
  const parts = command
    .split(/\s*(?:&&|;|\|\|)\s*/)
    .map((p) => p.trim())
    .filter((p) => p && !/^(cd|export|source|set|\.)\b/.test(p));
  return parts[0] ?? command;
}

export function toolOutputKind(tool: string, input: Json): ToolOutputKind {
  switch (tool) {
    case 'Read':
    case 'NotebookRead':
      return 'file view';
    case 'Glob':
    case 'LS':
      return 'file listing';
    case 'Grep':
      return 'search';
    case 'Edit':
    case 'MultiEdit':
    case 'Write':
    case 'NotebookEdit':
    case 'apply_patch':
      return 'edit result';
    case 'str_replace_editor': {
      const command = String(input.command ?? '');
      if (command !== 'view') return 'edit result';
      return /\.[A-Za-z0-9]{1,8}$/.test(String(input.path ?? '')) ? 'file view' : 'file listing';
    }
  }
  const command = shellCommandOf(input);
  if (command === undefined) return 'other';
  const main = mainCommand(command);
  if (TEST.test(command)) return 'test run';
  if (DIFF.test(main)) return 'diff';
  if (SEARCH.test(main)) return 'search';
  if (LISTING.test(main)) return 'file listing';
  if (VIEW.test(main)) return 'file view';
  if (BUILD.test(command)) return 'build or lint';
  if (VCS.test(main)) return 'version control';
  return 'command run';
}
