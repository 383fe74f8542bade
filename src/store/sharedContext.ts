import { compressText } from '../core/compressText';
import { contentHash } from '../core/hash';
import type { Aggressiveness, ContentKind } from '../core/types';
import type { CcrStore } from './ccrStore';
import type { StoreSql } from './storeSql';
import type { SharedEntry, SharedListing, SharedProvenance, SharedPut } from './records';

const MAX_KEY_LENGTH = 200;

/** A shared content's compressed form and figures, as the shared_content table keeps them. */
interface StoredShare {
  hash: string;
  text: string;
  kind: string;
  tokensBefore: number;
  tokensAfter: number;
}
const MAX_AGENT_LENGTH = 100;

export interface SharePutOptions {
  /** Who shares it: an agent's name ("claude-code", "codex", "my-script"). */
  agent: string;
  query?: string;
  kind?: ContentKind;
  minTokens?: number;
  aggressiveness?: Aggressiveness;
}

/** A put or get the shared context refuses; the message says what to change. */
export class InvalidShare extends Error {}

/**
 * Context shared between agents working on one project: one agent puts a tool output under a
 * key, any agent gets its compressed form (or the original) back. Content is identified by
 * its hash, so the same output put twice, by any agent under any key, is compressed once and
 * the record of who put it when grows instead. Lives in the CCR store's database; an entry
 * lasts as long as its original does there.
 */
export class SharedContext {
  private readonly sql: StoreSql;

  constructor(
    private readonly store: CcrStore,
    private readonly now: () => number = Date.now,
  ) {
    this.sql = store.database;
  }

  async put(key: string, content: string, options: SharePutOptions): Promise<SharedPut> {
    checkKey(key);
    const agent = options.agent.trim();
    if (!agent || agent.length > MAX_AGENT_LENGTH)
      throw new InvalidShare(`agent must be a name of 1 to ${MAX_AGENT_LENGTH} characters.`);
    if (content.length === 0) throw new InvalidShare('content is empty: there is nothing to share.');
    const hash = contentHash(content);
    const tool = `shared:${agent}`;
    let stored = await this.content(hash);
    const deduplicated = stored !== undefined;
    if (!stored) {
      const result = await compressText(content, {
        query: options.query,
        kind: options.kind,
        minTokens: options.minTokens,
        aggressiveness: options.aggressiveness,
        store: this.store,
        tool,
      });
      const kind: ContentKind = result.kind === 'unknown' || result.kind === 'binary' ? 'prose' : result.kind;
      stored = { hash, text: result.text, kind, tokensBefore: result.tokensBefore, tokensAfter: result.tokensAfter };
      await this.sql.run(
        `INSERT INTO shared_content (hash, text, kind, tokens_before, tokens_after) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (hash) DO UPDATE SET text = excluded.text, kind = excluded.kind,
           tokens_before = excluded.tokens_before, tokens_after = excluded.tokens_after`,
        [hash, stored.text, kind, stored.tokensBefore, stored.tokensAfter],
      );
    }
    // Stored again even when deduplicated: that refreshes its expiry, or brings back an original that expired meanwhile.
    await this.store.putOriginal({ hash, content, kind: stored.kind as ContentKind, tool });
    const at = this.now();
    await this.sql.run(
      `INSERT INTO shared_keys (key, hash, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at`,
      [key, hash, at],
    );
    await this.sql.run(
      'INSERT INTO shared_puts (hash, key, agent, at) VALUES (?, ?, ?, ?) ON CONFLICT (hash, key, agent) DO UPDATE SET at = excluded.at',
      [hash, key, agent, at],
    );
    await this.store.syncOriginals();
    return { ...(await this.entry(key, stored, stored.text, false)), deduplicated };
  }

  /** The entry under `key`, compressed unless `original` is asked for; undefined when none is stored (or it expired). */
  async get(key: string, options: { original?: boolean } = {}): Promise<SharedEntry | undefined> {
    checkKey(key);
    const hash = await this.sql.scalar('SELECT hash FROM shared_keys WHERE key = ?', [key]);
    if (hash === undefined) return undefined;
    const content = await this.content(String(hash));
    const original = content && (await this.store.getOriginal(content.hash));
    if (!content || !original) {
      await this.forget(String(hash));
      return undefined;
    }
    return options.original
      ? await this.entry(key, content, original.content, true)
      : await this.entry(key, content, content.text, false);
  }

  /** Every shared key, most recently put first. */
  async list(): Promise<SharedListing[]> {
    const [rows, puts] = await Promise.all([
      this.sql.all(
        `SELECT k.key, k.hash, c.kind, c.tokens_before, c.tokens_after, k.updated_at
         FROM shared_keys k JOIN shared_content c ON c.hash = k.hash ORDER BY k.updated_at DESC, k.key`,
      ),
      this.sql.all('SELECT DISTINCT hash, agent FROM shared_puts ORDER BY agent'),
    ]);
    const agents = new Map<string, string[]>();
    for (const [hash, agent] of puts) agents.set(String(hash), [...(agents.get(String(hash)) ?? []), String(agent)]);
    return rows.map(([key, hash, kind, before, after, updatedAt]) => ({
      key: String(key),
      hash: String(hash),
      kind: String(kind),
      tokensBefore: Number(before),
      tokensAfter: Number(after),
      agents: agents.get(String(hash)) ?? [],
      updatedAt: Number(updatedAt),
    }));
  }

  private async entry(key: string, stored: StoredShare, content: string, original: boolean): Promise<SharedEntry> {
    const { hash, kind, tokensBefore, tokensAfter } = stored;
    return { key, hash, content, original, kind, tokensBefore, tokensAfter, provenance: await this.provenance(hash) };
  }

  private async content(hash: string): Promise<StoredShare | undefined> {
    const row = await this.sql.row(
      'SELECT text, kind, tokens_before, tokens_after FROM shared_content WHERE hash = ?',
      [hash],
    );
    return (
      row && {
        hash,
        text: String(row.text),
        kind: String(row.kind),
        tokensBefore: Number(row.tokens_before),
        tokensAfter: Number(row.tokens_after),
      }
    );
  }

  private async provenance(hash: string): Promise<SharedProvenance[]> {
    const rows = await this.sql.all('SELECT agent, key, at FROM shared_puts WHERE hash = ? ORDER BY at, agent, key', [
      hash,
    ]);
    return rows.map(([agent, key, at]) => ({
      agent: String(agent),
      key: String(key),
      at: Number(at),
    }));
  }

  /** The original expired from the store: the entries built on it go with it. */
  private async forget(hash: string): Promise<void> {
    for (const table of ['shared_keys', 'shared_content', 'shared_puts'])
      await this.sql.run(`DELETE FROM ${table} WHERE hash = ?`, [hash]);
  }
}

function checkKey(key: string): void {
  if (typeof key !== 'string' || key.trim().length === 0 || key.length > MAX_KEY_LENGTH) {
    throw new InvalidShare(
      `key must be a name of 1 to ${MAX_KEY_LENGTH} characters, such as "build-log" or "src/api schema".`,
    );
  }
}
