/** A word that could name something in code: what focus sets hold and what questions name. */
export const IDENTIFIER = /[A-Za-z_$][\w$]{2,}/g;

/** A word shaped like code (snake_case, camelCase, with digits), not the English around it. */
export function isCodeLike(word: string): boolean {
  return /[_$\d]|[a-z][A-Z]/.test(word);
}
