const STOP_WORDS = new Set(
  'a an and are as at be but by do does for from has have how i if in into is it its me my no not of on or our so that the their them then there these this to was we what when where which who why will with you your'.split(
    ' ',
  ),
);

/** Cheap test that spares the splitting regex for the plain words that make up most text. */
const NEEDS_SPLIT = /_|[^\p{Lu}]\p{Lu}|\p{L}\p{N}|\p{N}\p{L}/u;

/**
 * Terms for relevance scoring: lower-cased words and numbers, with identifiers split at
 * camelCase and snake_case boundaries so `getUserById` matches a query about "user id".
 */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const word of text.match(/[\p{L}\p{N}_]+/gu) ?? []) {
    const lower = word.toLowerCase();
    if (lower.length > 1 && !STOP_WORDS.has(lower)) out.push(lower);
    if (!NEEDS_SPLIT.test(word)) continue;
    const parts = word.split(/_+|(?<=\p{Ll})(?=\p{Lu})|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u);
    if (parts.length > 1) {
      for (const part of parts) {
        const p = part.toLowerCase();
        if (p.length > 1 && !STOP_WORDS.has(p)) out.push(p);
      }
    }
  }
  return out;
}
