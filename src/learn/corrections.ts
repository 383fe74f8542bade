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

interface Pending {
  call: ToolCall;
  failure: Failure;
  /** Calls of the session still to come in which its fix may appear. */
  remaining: number;
}

/**
 * Pairs each failed call with the successful call that followed it in the same session with
 * the same intent (same tool; a similar command, or the same file name), turns the pair into a
 * correction, groups equal corrections and ranks them by the tokens their failures cost.
 * Calls are given one at a time as the transcripts are read, and only failures still waiting
 * for their fix are kept, so memory does not grow with the transcripts. Deterministic: the
 * same calls give the same findings in the same order.
 */
export class FindingCollector {
  private readonly pending = new Map<string, Pending[]>();
  private readonly groups = new Map<string, Finding & { sessionIds: Set<string> }>();
  failures = 0;

  constructor(private readonly workspace: string) {}

  add(call: ToolCall): void {
    const failure = failureOf(call);
    const waiting = this.pending.get(call.session) ?? [];
    const still: Pending[] = [];
    for (const item of waiting) {
      if (!failure && sameIntent(item.call, call, item.failure)) this.resolve(item, call);
      else if (--item.remaining > 0) still.push(item);
      else this.resolve(item, undefined);
    }
    if (failure) {
      this.failures++;
      still.push({ call, failure, remaining: FIX_WINDOW });
    }
    if (still.length) this.pending.set(call.session, still);
    else this.pending.delete(call.session);
  }

  /** The findings so far; failures still waiting for a fix are judged without one. */
  findings(): Finding[] {
    for (const waiting of this.pending.values()) for (const item of waiting) this.resolve(item, undefined);
    this.pending.clear();
    return [...this.groups.values()]
      .map(({ sessionIds, ...finding }) => ({ ...finding, sessions: sessionIds.size }))
      .sort((a, b) => b.tokens - a.tokens || b.occurrences - a.occurrences || a.text.localeCompare(b.text));
  }

  private resolve({ call, failure }: Pending, fix: ToolCall | undefined): void {
    const text = correction(call, failure, fix, this.workspace);
    if (!text) return;
    const group = this.groups.get(text) ?? {
      text,
      kind: failure.kind,
      occurrences: 0,
      tokens: 0,
      sessions: 0,
      sessionIds: new Set<string>(),
    };
    group.occurrences++;
    group.tokens += countTokens(`${call.command ?? call.path ?? ''}\n${call.output}`);
    group.sessionIds.add(call.session);
    this.groups.set(text, group);
  }
}

function sameIntent(failed: ToolCall, next: ToolCall, failure: Failure): boolean {
  if (failed.command !== undefined && next.command !== undefined) {
    if (failure.kind === 'missing-script') return scriptRunner(next.command) !== undefined;
    if (failure.kind === 'command-not-found')
      return words(next.command).size > 0 && programOf(next.command) !== failure.subject;
    return programOf(failed.command) === programOf(next.command) && similarity(failed.command, next.command) >= 0.3;
  }
  if (failed.path !== undefined && next.path !== undefined)
    return failed.tool === next.tool && basename(failed.path) === basename(next.path) && failed.path !== next.path;
  return false;
}

function correction(
  call: ToolCall,
  failure: Failure,
  fix: ToolCall | undefined,
  workspace: string,
): string | undefined {
  const show = (text: string) => `\`${text.length > 120 ? `${text.slice(0, 117)}…` : text}\``;
  if (call.command !== undefined) {
    const failedLine = call.command.trim();
    if (fix?.command !== undefined) {
      const fixedLine = fix.command.trim();
      if (failure.kind === 'missing-script')
        return `Run ${show(fixedLine)}, not ${show(failedLine)}: there is no "${failure.subject}" script.`;
      if (failure.kind === 'command-not-found')
        return `\`${failure.subject}\` is not installed here; ${show(fixedLine)} works instead.`;
      if (failure.kind === 'unknown-option')
        return `${show(failedLine)} fails (${failure.subject} is not an option); use ${show(fixedLine)}.`;
      return `Use ${show(fixedLine)}, not ${show(failedLine)} (${describe(failure)}).`;
    }
    if (failure.kind === 'command-not-found' && failure.subject)
      return `\`${failure.subject}\` is not installed in this environment.`;
    if (failure.kind === 'unknown-option' && failure.subject)
      return `\`${programOf(failedLine)}\` here has no ${failure.subject} option.`;
    return undefined;
  }
  if (call.path !== undefined && fix?.path !== undefined && failure.kind === 'no-such-file') {
    return `\`${inWorkspace(call.path, workspace)}\` does not exist; the file is \`${inWorkspace(fix.path, workspace)}\`.`;
  }
  return undefined;
}

function describe(failure: Failure): string {
  const reasons: Record<Failure['kind'], string> = {
    'missing-script': 'no such script',
    'command-not-found': 'command not found',
    'no-such-file': 'no such file',
    'permission-denied': 'permission denied',
    'edit-mismatch': 'the text to replace was not found',
    'unknown-option': 'unknown option',
    'test-failure': 'tests fail',
    error: 'it fails',
  };
  return reasons[failure.kind];
}

/** `npm run x`, `pnpm x`, `yarn x`, `npm test`: a package-manager script run. */
function scriptRunner(command: string): string | undefined {
  return /^(?:npm|pnpm|yarn|bun)\b/.exec(command.trim())?.[0];
}

function programOf(command: string): string {
  const parts = command
    .trim()
    .split(/\s+/)
    .filter((part) => !/^\w+=/.test(part) && part !== 'sudo');
  return basename(parts[0] ?? '');
}

function words(command: string): Set<string> {
  return new Set(
    command
      .toLowerCase()
      .split(/[^\w./:-]+/)
      .filter(Boolean),
  );
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
