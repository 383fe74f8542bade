import { isAbsolute, relative } from 'node:path';
import { countTokens } from '../core/tokens';
import { failureOf, type Failure } from './failures';
import type { ToolCall } from './toolCall';

/** One correction, with what the failures behind it cost. */
export interface Finding {
  /** The line written into CLAUDE.md / AGENTS.md. */
  text: string;
  kind: Failure['kind'];
  /** How many failed calls it would have saved. */
  occurrences: number;
  /** Tokens those failed calls spent (input and output, estimated). */
  tokens: number;
  sessions: number;
}

/** How far after a failure the call that fixed it is looked for, in calls of the same session. */
const FIX_WINDOW = 6;

/**
 * Pairs each failed call with the successful call that followed it in the same session with
 * the same intent (same tool; a similar command, or the same file name), turns the pair into a
 * correction, groups equal corrections and ranks them by the tokens their failures cost.
 * Deterministic: the same calls give the same findings in the same order.
 */
export function deriveFindings(calls: readonly ToolCall[], workspace: string): Finding[] {
  const bySession = new Map<string, ToolCall[]>();
  for (const call of calls) {
    const list = bySession.get(call.session);
    if (list) list.push(call);
    else bySession.set(call.session, [call]);
  }
  const groups = new Map<string, Finding & { sessionIds: Set<string> }>();
  for (const [session, list] of bySession) {
    list.forEach((call, index) => {
      const failure = failureOf(call);
      if (!failure) return;
      const fix = list.slice(index + 1, index + 1 + FIX_WINDOW).find((next) => !failureOf(next) && sameIntent(call, next, failure));
      const text = correction(call, failure, fix, workspace);
      if (!text) return;
      const group = groups.get(text) ?? { text, kind: failure.kind, occurrences: 0, tokens: 0, sessions: 0, sessionIds: new Set<string>() };
      group.occurrences++;
      group.tokens += countTokens(`${call.command ?? call.path ?? ''}\n${call.output}`);
      group.sessionIds.add(session);
      groups.set(text, group);
    });
  }
  return [...groups.values()]
    .map(({ sessionIds, ...finding }) => ({ ...finding, sessions: sessionIds.size }))
    .sort((a, b) => b.tokens - a.tokens || b.occurrences - a.occurrences || a.text.localeCompare(b.text));
}

function sameIntent(failed: ToolCall, next: ToolCall, failure: Failure): boolean {
  if (failed.command !== undefined && next.command !== undefined) {
    if (failure.kind === 'missing-script') return scriptRunner(next.command) !== undefined;
    if (failure.kind === 'command-not-found') return words(next.command).size > 0 && programOf(next.command) !== failure.subject;
    return programOf(failed.command) === programOf(next.command) && similarity(failed.command, next.command) >= 0.3;
  }
  if (failed.path !== undefined && next.path !== undefined) return failed.tool === next.tool && basename(failed.path) === basename(next.path) && failed.path !== next.path;
  return false;
}

function correction(call: ToolCall, failure: Failure, fix: ToolCall | undefined, workspace: string): string | undefined {
  const show = (text: string) => `\`${text.length > 120 ? `${text.slice(0, 117)}…` : text}\``;
  if (call.command !== undefined) {
    const failedLine = call.command.trim();
    if (fix?.command !== undefined) {
      const fixedLine = fix.command.trim();
      if (failure.kind === 'missing-script') return `Run ${show(fixedLine)}, not ${show(failedLine)}: there is no "${failure.subject}" script.`;
      if (failure.kind === 'command-not-found') return `\`${failure.subject}\` is not installed here; ${show(fixedLine)} works instead.`;
      if (failure.kind === 'unknown-option') return `${show(failedLine)} fails (${failure.subject} is not an option); use ${show(fixedLine)}.`;
      return `Use ${show(fixedLine)}, not ${show(failedLine)} (${describe(failure)}).`;
    }
    if (failure.kind === 'command-not-found' && failure.subject) return `\`${failure.subject}\` is not installed in this environment.`;
    if (failure.kind === 'unknown-option' && failure.subject) return `\`${programOf(failedLine)}\` here has no ${failure.subject} option.`;
    return undefined;
  }
  if (call.path !== undefined && fix?.path !== undefined && failure.kind === 'no-such-file') {
    return `\`${inWorkspace(call.path, workspace)}\` does not exist; the file is \`${inWorkspace(fix.path, workspace)}\`.`;
  }
  return undefined;
}

function describe(failure: Failure): string {
  const reasons: Record<Failure['kind'], string> = {
    'missing-script': 'no such script', 'command-not-found': 'command not found', 'no-such-file': 'no such file', 'permission-denied': 'permission denied',
    'edit-mismatch': 'the text to replace was not found', 'unknown-option': 'unknown option', 'test-failure': 'tests fail', error: 'it fails',
  };
  return reasons[failure.kind];
}

/** `npm run x`, `pnpm x`, `yarn x`, `npm test`: a package-manager script run. */
function scriptRunner(command: string): string | undefined {
  return /^(?:npm|pnpm|yarn|bun)\b/.exec(command.trim())?.[0];
}

function programOf(command: string): string {
  const parts = command.trim().split(/\s+/).filter((part) => !/^\w+=/.test(part) && part !== 'sudo');
  return basename(parts[0] ?? '');
}

function words(command: string): Set<string> {
  return new Set(command.toLowerCase().split(/[^\w./:-]+/).filter(Boolean));
}

function similarity(a: string, b: string): number {
  const left = words(a);
  const right = words(b);
  const shared = [...left].filter((word) => right.has(word)).length;
  return shared / Math.max(1, new Set([...left, ...right]).size);
}

function basename(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).at(-1) ?? path;
}

function inWorkspace(path: string, workspace: string): string {
  const normalised = path.replace(/^\/\/+/, '/');
  if (!isAbsolute(normalised)) return normalised;
  const inside = relative(workspace, normalised);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : normalised;
}
