/** A word that could name something in code: what focus sets hold and what questions name. */
export const IDENTIFIER = /[A-Za-z_$][\w$]{2,}/g;

/** A word shaped like code (snake_case, camelCase, with digits), not the English around it. */
export function isCodeLike(word: string): boolean {
  return /[_$\d]|[a-z][A-Z]/.test(word);
}

const DEFINING =
  'def|class|function|func|fn|const|let|var|type|interface|struct|enum|trait|impl|module|object|record|val|public|private|protected|static|export|async';

/**
 * A line defining one of `names` (`def parse_config`, `class Parser`, `func Open(`, `const run =
 * async`, Go's `func (s *Store) Open(`, a class method `  open(path) {`).
 */
export function definitionOf(names: readonly string[]): RegExp | undefined {
  if (names.length === 0) return undefined;
  const alternatives = names.map((name) => name.replace(/[$]/g, '\\$')).join('|');
  // A bounded run of modifiers and types between the keyword and the name keeps the match linear.
  return new RegExp(
    `\\b(?:${DEFINING})\\s+(?:[\\w$<>,*&]+\\s+){0,3}(?:${alternatives})\\b` +
      `|\\b(?:${alternatives})\\s*=\\s*(?:function\\b|\\(|async\\b)` +
      `|^\\s*func\\s+\\([^)]*\\)\\s*(?:${alternatives})\\s*[(<]` +
      `|^\\s+(?:(?:async|static|get|set|override|public|private|protected)\\s+)*(?:${alternatives})\\s*(?:<[^>]*>)?\\([^)]*\\)\\s*(?::[^{]*)?\\{\\s*$`,
  );
}
