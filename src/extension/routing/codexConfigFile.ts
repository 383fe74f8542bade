import { parse } from 'smol-toml';
import { readIfPresent, writeWithBackup } from './configFile';

/** What routing changed in Codex's config.toml: the top-level `model_provider` line it replaced, if any. */
export interface CodexChange {
  previousLine: string | null;
}

const PROVIDER = 'headroom';
const LINE_MARK = '# set by Headroom';
const BLOCK_START = '# headroom:start (added by Headroom for VS Code; "Headroom: Stop Routing" removes it)';
const BLOCK_END = '# headroom:end';
const PROVIDER_LINE = /^\s*model_provider\s*=/;

/**
 * Points Codex at the proxy: a `[model_providers.headroom]` table between markers at the
 * end, and `model_provider = "headroom"` among the top-level keys. The edit is textual so
 * the user's comments and layout survive; the result is parsed before it is written.
 */
export function routeCodexConfig(
  file: string,
  baseUrl: string,
  earlier?: CodexChange,
  headers: Record<string, string> = {},
): CodexChange {
  const original = readIfPresent(file) ?? '';
  const lines = withoutBlock(original.split('\n'));
  const tableAt = firstTable(lines);
  const ownAt = lines.findIndex((line, index) => index < tableAt && PROVIDER_LINE.test(line));
  let previousLine = earlier ? earlier.previousLine : null;
  const providerLine = `model_provider = "${PROVIDER}" ${LINE_MARK}`;
  if (ownAt >= 0) {
    if (!lines[ownAt].includes(LINE_MARK)) previousLine = lines[ownAt];
    lines[ownAt] = providerLine;
  } else {
    lines.splice(0, 0, providerLine);
  }
  const text = `${trimEnd(lines).join('\n')}\n\n${providerBlock(baseUrl, headers)}\n`;
  const parsed = parseOrExplain(text, file) as { model_providers?: Record<string, unknown> };
  if (!parsed.model_providers?.[PROVIDER])
    throw new Error(`${file}: the Headroom provider did not parse back; Headroom left the file unchanged.`);
  writeWithBackup(file, text);
  return { previousLine };
}

/**
 * Removes the provider table and restores the `model_provider` line. A line the user has
 * changed since is left alone (`kept`).
 */
export function unrouteCodexConfig(file: string, change: CodexChange): { kept: boolean } {
  const original = readIfPresent(file);
  if (original === undefined) return { kept: false };
  const lines = withoutBlock(original.split('\n'));
  const ownAt = lines.findIndex((line, index) => index < firstTable(lines) && PROVIDER_LINE.test(line));
  const stillOurs = ownAt >= 0 && lines[ownAt].includes(LINE_MARK);
  if (stillOurs) {
    if (change.previousLine === null) lines.splice(ownAt, 1);
    else lines[ownAt] = change.previousLine;
  }
  const text = `${trimEnd(lines).join('\n')}\n`;
  parseOrExplain(text, file);
  writeWithBackup(file, text === '\n' ? '' : text);
  return { kept: ownAt >= 0 && !stillOurs };
}

function providerBlock(baseUrl: string, headers: Record<string, string>): string {
  const pairs = Object.entries(headers).map(([name, value]) => `${JSON.stringify(name)} = ${JSON.stringify(value)}`);
  return [
    BLOCK_START,
    `[model_providers.${PROVIDER}]`,
    'name = "Headroom"',
    `base_url = ${JSON.stringify(baseUrl)}`,
    ...(pairs.length ? [`http_headers = { ${pairs.join(', ')} }`] : []),
    'env_key = "OPENAI_API_KEY"',
    'wire_api = "responses"',
    BLOCK_END,
  ].join('\n');
}

function withoutBlock(lines: string[]): string[] {
  const start = lines.indexOf(BLOCK_START);
  const end = lines.indexOf(BLOCK_END, start);
  if (start < 0 || end < 0) {
    if (lines.some((line) => /^\s*\[model_providers\.headroom\]/.test(line))) {
      throw new Error(
        "config.toml already defines [model_providers.headroom] outside Headroom's markers; Headroom left it unchanged.",
      );
    }
    return [...lines];
  }
  return [...lines.slice(0, start), ...lines.slice(end + 1)];
}

/** Top-level keys must come before the first table header. */
function firstTable(lines: readonly string[]): number {
  const index = lines.findIndex((line) => /^\s*\[/.test(line));
  return index < 0 ? lines.length : index;
}

function trimEnd(lines: string[]): string[] {
  const result = [...lines];
  while (result.length && !result[result.length - 1].trim()) result.pop();
  return result;
}

function parseOrExplain(text: string, file: string): Record<string, unknown> {
  try {
    return parse(text);
  } catch (error) {
    throw new Error(
      `${file} would not be valid TOML after the change (${(error as Error).message.split('\n')[0]}); Headroom left it unchanged.`,
      { cause: error },
    );
  }
}
