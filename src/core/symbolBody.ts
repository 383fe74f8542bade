import { definitionOf } from './identifiers';

/** A definition longer than this is returned cut here: one call cannot flood the context. */
const MAX_BODY_LINES = 2_000;

/**
 * Where the definition `symbol` names lies in source lines (`parse`, `Parser.parse`,
 * `Store.Open`): its first line and its last, found by the definition's own shape, so any
 * language reads without a parser. With an owner (`Parser.`), the first definition after the
 * owner's is taken. The end is where the braces opened on the first lines close again, or,
 * for a definition ending in `:` (Python), where the indentation comes back.
 */
export function findSymbolBody(lines: readonly string[], symbol: string): { first: number; last: number } | undefined {
  const parts = symbol.split('.').filter(Boolean);
  const name = parts.pop();
  if (!name) return undefined;
  const owner = parts.length > 0 ? definitionOf([parts[parts.length - 1]]) : undefined;
  const defining = definitionOf([name])!;
  const from = owner
    ? Math.max(
        0,
        lines.findIndex((line) => owner.test(line)),
      )
    : 0;
  let first = -1;
  for (let i = from; i < lines.length && first < 0; i++) if (defining.test(lines[i])) first = i;
  if (first < 0) return undefined;
  let last = Math.min(lines.length - 1, first + MAX_BODY_LINES - 1, bodyEnd(lines, first));
  while (last > first && lines[last].trim() === '') last--;
  return { first, last };
}

function bodyEnd(lines: readonly string[], first: number): number {
  // The signature runs until a line ends with `{` or `:` (a few lines at most).
  let signatureEnd = first;
  while (signatureEnd < Math.min(lines.length - 1, first + 3) && !/[{:]$/.test(lines[signatureEnd].trimEnd()))
    signatureEnd++;
  const indented = lines[signatureEnd].trimEnd().endsWith(':') && !lines[signatureEnd].includes('{');
  if (indented) {
    const indent = (line: string) => /^\s*/.exec(line)![0].length;
    const start = indent(lines[first]);
    for (let i = signatureEnd + 1; i < lines.length; i++)
      if (lines[i].trim() !== '' && indent(lines[i]) <= start) return i - 1;
    return lines.length - 1;
  }
  let depth = 0;
  let opened = false;
  for (let i = first; i < lines.length; i++) {
    // Braces inside string literals do not count.
    for (const c of lines[i].replace(/(["'`])(?:\\.|(?!\1).)*\1/g, '""')) {
      if (c === '{') {
        depth++;
        opened = true;
      } else if (c === '}') depth--;
    }
    if (opened && depth <= 0) return i;
  }
  return opened ? lines.length - 1 : signatureEnd;
}
