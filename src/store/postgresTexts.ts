import type { PostgresDatabase } from './postgresDatabase';
import { decodeText, encodeText, type Text, type TextFiles } from './textFiles';

/**
 * Texts in the `texts` table of a store on PostgreSQL, encoded as DiskTextFiles encodes its
 * files, one bucket per kind of text. A write is durable when it resolves (its INSERT
 * committed), so `sync` only waits for the writes under way; a text being written is read
 * from memory meanwhile, as on disk.
 */
export class PostgresTexts implements TextFiles {
  private readonly writing = new Map<string, { text: Text; done: Promise<void> }>();

  constructor(
    private readonly database: PostgresDatabase,
    private readonly bucket: 'original' | 'memo',
  ) {}

  write(id: string, header: object, text: string): Promise<void> {
    const entry = { text: { header: header as Record<string, unknown>, text }, done: Promise.resolve() };
    entry.done = (async () => {
      const body = await encodeText(header, text);
      await this.database.query(
        `INSERT INTO texts (bucket, id, body, written_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (bucket, id) DO UPDATE SET body = excluded.body, written_at = excluded.written_at`,
        [this.bucket, id, body, Date.now()],
      );
    })().finally(() => {
      if (this.writing.get(id) === entry) this.writing.delete(id);
    });
    this.writing.set(id, entry);
    return entry.done;
  }

  async read(id: string): Promise<Text | undefined> {
    const writing = this.writing.get(id);
    if (writing) return writing.text;
    const found = await this.database.query<{ body: Buffer }>('SELECT body FROM texts WHERE bucket = ? AND id = ?', [
      this.bucket,
      id,
    ]);
    const body = found.rows[0]?.body;
    return body ? decodeText(body) : undefined;
  }

  async remove(id: string): Promise<void> {
    await this.writing.get(id)?.done.catch(() => undefined);
    await this.database.query('DELETE FROM texts WHERE bucket = ? AND id = ?', [this.bucket, id]);
  }

  async sweep(): Promise<string[]> {
    return (await this.database.column('SELECT id FROM texts WHERE bucket = ?', [this.bucket])).map(String);
  }

  async sync(): Promise<void> {
    await Promise.all([...this.writing.values()].map(({ done }) => done.catch(() => undefined)));
  }
}
