export const WILDCARD = '<*>';

/**
 * Drain-style online template mining. Variable tokens (anything with a digit, paths) are
 * masked first; lines of the same length, level and first literal token are then merged
 * into one template when enough of their literal tokens agree. Lines of different levels
 * never merge, so an error is never hidden inside an info template.
 */
export class LogTemplateMiner {
  readonly templates: string[][] = [];
  readonly sizes: number[] = [];
  private readonly exact = new Map<string, number>();
  private readonly buckets = new Map<string, number[]>();

  /**
   * `similarity` is the share of a line's literal tokens a template must hold for the line to
   * join it. At 0.8, lines that differ in more than one word in five are different events:
   * on the loghub samples, 0.5 left 37% of the event types out of the output, 0.8 leaves 4–16%
   * out, for 0.5 points less token reduction overall (`npm run eval`).
   */
  constructor(
    private readonly similarity = 0.8,
    private readonly strictSimilarity = 0.9,
    private readonly bucketLimit = 64,
  ) {}

  /** Assigns the line to a template and returns the template's id. */
  add(line: string, level: string): number {
    const tokens = maskTokens(line);
    const exactKey = `${level}\u0000${tokens.join(' ')}`;
    const known = this.exact.get(exactKey);
    if (known !== undefined) {
      this.sizes[known]++;
      return known;
    }
    const bucketKey = `${tokens.length}\u0000${level}\u0000${tokens.find((t) => t !== WILDCARD) ?? ''}`;
    const bucket = this.buckets.get(bucketKey) ?? [];
    const threshold = level === 'normal' ? this.similarity : this.strictSimilarity;
    let best = -1;
    let bestScore = 0;
    for (let b = bucket.length - 1; b >= Math.max(0, bucket.length - this.bucketLimit); b--) {
      const score = similarity(this.templates[bucket[b]], tokens);
      if (score > bestScore) {
        bestScore = score;
        best = bucket[b];
      }
    }
    let id: number;
    if (best >= 0 && bestScore >= threshold) {
      id = best;
      const template = this.templates[id];
      for (let i = 0; i < template.length; i++) if (template[i] !== tokens[i]) template[i] = WILDCARD;
      this.sizes[id]++;
    } else {
      id = this.templates.length;
      this.templates.push(tokens);
      this.sizes.push(1);
      bucket.push(id);
      this.buckets.set(bucketKey, bucket);
    }
    this.exact.set(exactKey, id);
    return id;
  }
}

/**
 * The line's whitespace-separated tokens, each variable one (holding a digit, or a path
 * separator in more than one character) masked as a wildcard. It runs on every line of every
 * log, so each token is tested in one pass over its characters rather than by two regular
 * expressions.
 */
function maskTokens(line: string): string[] {
  const tokens = line.match(/\S+/g) ?? [];
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t];
    for (let i = 0; i < token.length; i++) {
      const code = token.charCodeAt(i);
      if ((code >= 48 && code <= 57) || ((code === 47 || code === 92) && token.length > 1)) {
        tokens[t] = WILDCARD;
        break;
      }
    }
  }
  return tokens;
}

const HAS_LETTER = /\p{L}/u;

/**
 * Share of the line's literal words that the template holds too. A position the template
 * turned into a wildcard by merging counts as a mismatch, so a template does not erode into
 * one that matches every line of its length. Tokens without a letter (the dashes and brackets
 * of a log's prefix) are not counted: they say nothing about which event a line is.
 */
function similarity(template: string[], tokens: string[]): number {
  let literal = 0;
  let same = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] === WILDCARD || !HAS_LETTER.test(tokens[i])) continue;
    literal++;
    if (template[i] === tokens[i]) same++;
  }
  return literal === 0 ? 1 : same / literal;
}
