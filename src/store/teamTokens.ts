import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod/mini';
import { writeFileAtomicSync } from './atomicWrite';

/** Every team token starts so, which tells it apart from a provider's key in the same header. */
export const TEAM_TOKEN_PREFIX = 'hrt_';

const tokenEntrySchema = z.object({
  id: z.string(),
  user: z.string(),
  project: z.optional(z.string()),
  /** SHA-256 of the token, hex: the token itself is shown once, when it is made, and kept nowhere. */
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  createdAt: z.number(),
});
const tokenFileSchema = z.object({ version: z.literal(1), tokens: z.array(tokenEntrySchema) });

export type TokenListing = Omit<z.infer<typeof tokenEntrySchema>, 'sha256'>;
/** Who a team request is from, as its token says. */
export type Requester = { user: string; project?: string };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** Tokens are 192 random bits, so a plain hash is as good as a slow one: there is nothing to guess. */
const NAME = /^[\w.@+-]{1,64}$/;

/**
 * The tokens a team proxy accepts, in one JSON file readable by its owner alone (mode 0600),
 * managed by `headroom tokens` and read by the proxy, which sees a change within a second:
 * revoking needs no restart. A Kubernetes Secret mounted as the file serves several replicas.
 */
export class TeamTokens {
  constructor(readonly file: string) {}

  /** Makes a token for `user`; the only time the token is seen. */
  add(user: string, project?: string): { token: string; id: string } {
    if (!NAME.test(user)) throw new Error(`a user name is 1–64 letters, digits or . _ @ + -, not "${user}"`);
    if (project !== undefined && !NAME.test(project))
      throw new Error(`a project name is 1–64 letters, digits or . _ @ + -, not "${project}"`);
    const token = `${TEAM_TOKEN_PREFIX}${randomBytes(24).toString('base64url')}`;
    const id = randomBytes(4).toString('hex');
    const entries = this.read();
    entries.push({ id, user, ...(project ? { project } : {}), sha256: sha256(token), createdAt: Date.now() });
    this.write(entries);
    return { token, id };
  }

  list(): TokenListing[] {
    return this.read().map(({ sha256: _hash, ...listing }) => listing);
  }

  /** Revokes the token with this id, or every token of this user; the number revoked. */
  revoke(idOrUser: string): number {
    const entries = this.read();
    const kept = entries.filter((entry) => entry.id !== idOrUser && entry.user !== idOrUser);
    if (kept.length !== entries.length) this.write(kept);
    return entries.length - kept.length;
  }

  /**
   * A check of tokens against the file as it is now: it is read again when its size or time
   * changes, looked at no more than once a second. A file gone or unreadable accepts no one.
   */
  verifier(now: () => number = Date.now): (token: string) => Requester | undefined {
    let seen = '';
    let checkedAt = -Infinity;
    let byHash = new Map<string, Requester>();
    return (token) => {
      if (now() - checkedAt >= 1_000) {
        checkedAt = now();
        const version = this.version();
        if (version !== seen) {
          seen = version;
          byHash = new Map(this.readOrNone().map((e) => [e.sha256, { user: e.user, project: e.project }]));
        }
      }
      if (!token.startsWith(TEAM_TOKEN_PREFIX)) return undefined;
      const given = Buffer.from(sha256(token), 'hex');
      for (const [hash, requester] of byHash) if (timingSafeEqual(Buffer.from(hash, 'hex'), given)) return requester;
      return undefined;
    };
  }

  /** Whether any token exists: a proxy reachable from other machines refuses to start without one. */
  any(): boolean {
    return this.readOrNone().length > 0;
  }

  private version(): string {
    try {
      const stat = statSync(this.file);
      return `${stat.size}:${stat.mtimeMs}`;
    } catch {
      return 'missing';
    }
  }

  private readOrNone(): Array<z.infer<typeof tokenEntrySchema>> {
    try {
      return this.read();
    } catch {
      return [];
    }
  }

  private read(): Array<z.infer<typeof tokenEntrySchema>> {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const parsed = tokenFileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${this.file} is not a Headroom tokens file: ${parsed.error.message}`);
    return parsed.data.tokens;
  }

  private write(tokens: Array<z.infer<typeof tokenEntrySchema>>): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    writeFileAtomicSync(this.file, `${JSON.stringify({ version: 1, tokens }, null, 2)}\n`, 0o600);
  }
}
