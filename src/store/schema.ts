import type { Database } from 'sql.js';

/**
 * Every table of the store, in the one database file StoreDatabase owns. Version 1 held each
 * original's content in `originals`; version 2 moved contents and memo texts to files; version
 * 3 brought the stats and shared-context tables (which had no version of their own) under this
 * one, and added the journal's position.
 */
export const SCHEMA_VERSION = 3;

const TABLES = `
CREATE TABLE IF NOT EXISTS originals (
  hash TEXT PRIMARY KEY, kind TEXT NOT NULL, tool TEXT, bytes INTEGER NOT NULL, preview TEXT NOT NULL,
  created_at INTEGER NOT NULL, accessed_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS originals_accessed ON originals(accessed_at);
-- Covers SUM(bytes), which each open needs, without reading every row's preview.
CREATE INDEX IF NOT EXISTS originals_bytes ON originals(bytes);
CREATE TABLE IF NOT EXISTS compressions (
  key TEXT PRIMARY KEY, hash TEXT NOT NULL, marker_hashes TEXT NOT NULL, value TEXT NOT NULL, accessed_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS compressions_hash ON compressions(hash);
CREATE TABLE IF NOT EXISTS evictions (hash TEXT PRIMARY KEY, reason TEXT NOT NULL, at INTEGER NOT NULL);

CREATE TABLE IF NOT EXISTS requests (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, provider TEXT NOT NULL, model TEXT, path TEXT NOT NULL,
  status INTEGER NOT NULL, tokens_before INTEGER NOT NULL, tokens_after INTEGER NOT NULL,
  input_tokens INTEGER, output_tokens INTEGER, cache_read_tokens INTEGER, cache_write_tokens INTEGER,
  latency_ms INTEGER NOT NULL, retrievals INTEGER NOT NULL, failure TEXT, dollars_saved REAL NOT NULL);
CREATE INDEX IF NOT EXISTS requests_at ON requests(at);
CREATE TABLE IF NOT EXISTS outputs (
  hash TEXT PRIMARY KEY, first_at INTEGER NOT NULL, last_at INTEGER NOT NULL, tool TEXT, kind TEXT NOT NULL,
  tokens_before INTEGER NOT NULL, tokens_after INTEGER NOT NULL, preview TEXT NOT NULL, sends INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS outputs_first_at ON outputs(first_at);

CREATE TABLE IF NOT EXISTS shared_keys (key TEXT PRIMARY KEY, hash TEXT NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS shared_content (
  hash TEXT PRIMARY KEY, text TEXT NOT NULL, kind TEXT NOT NULL, tokens_before INTEGER NOT NULL, tokens_after INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS shared_puts (
  hash TEXT NOT NULL, key TEXT NOT NULL, agent TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (hash, key, agent));

CREATE TABLE IF NOT EXISTS journal_position (seq INTEGER NOT NULL);
`;

/** Columns `requests` gained after its first release, with their defaults for older rows. */
const ADDED_REQUEST_COLUMNS: Array<[string, string]> = [
  ['dollars_gross', 'REAL NOT NULL DEFAULT 0'],
  ['dollars_tool', 'REAL NOT NULL DEFAULT 0'],
  ['dollars_retrieval', 'REAL NOT NULL DEFAULT 0'],
  ['priced', 'INTEGER NOT NULL DEFAULT 1'],
  ['checkpoint', 'INTEGER NOT NULL DEFAULT 0'],
  ['user', 'TEXT'],
  ['project', 'TEXT'],
];

/** What leaves the database in version 2: each is written to its file by the store. */
export interface MovedContents {
  original(row: { hash: string; content: string; kind: string; tool?: string }): void;
  memoText(key: string, text: string): void;
}

/** The version the database file says it is at. */
function schemaVersion(db: Database): number {
  return Number(db.exec('PRAGMA user_version')[0]?.values[0]?.[0] ?? 0);
}

/**
 * Brings the database to SCHEMA_VERSION; true when it changed anything. Runs on the database
 * as loaded and replayed, before anything else reads it.
 */
export function migrate(db: Database, moved: MovedContents): boolean {
  if (schemaVersion(db) >= SCHEMA_VERSION) return false;
  const columns = (table: string) =>
    new Set((db.exec(`SELECT name FROM pragma_table_info('${table}')`)[0]?.values ?? []).map((v) => String(v[0])));
  const hadContents = columns('originals').has('content');
  if (hadContents) db.exec('ALTER TABLE originals RENAME TO originals_v1; DROP INDEX IF EXISTS originals_accessed;');
  db.exec(TABLES);
  if (hadContents) moveContents(db, moved);
  const requestColumns = columns('requests');
  for (const [name, type] of ADDED_REQUEST_COLUMNS)
    if (!requestColumns.has(name)) db.run(`ALTER TABLE requests ADD COLUMN ${name} ${type}`);
  if (db.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'items'").length > 0) {
    // Before distinct outputs had a row each, every send of one was an item.
    db.run(`INSERT OR IGNORE INTO outputs (hash, first_at, last_at, tool, kind, tokens_before, tokens_after, preview, sends)
      SELECT hash, MIN(at), MAX(at), tool, kind, tokens_before, tokens_after, preview, COUNT(*) FROM items GROUP BY hash`);
    db.run('DROP TABLE items');
  }
  if (db.exec('SELECT 1 FROM journal_position').length === 0) db.run('INSERT INTO journal_position (seq) VALUES (0)');
  db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
  return true;
}

/** Version 1 kept each original's content and each memo entry's text in the database. */
function moveContents(db: Database, moved: MovedContents): void {
  const rows = db.prepare('SELECT hash, content, kind, tool, bytes, created_at, accessed_at FROM originals_v1');
  const insert = db.prepare(
    'INSERT INTO originals (hash, kind, tool, bytes, preview, created_at, accessed_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  try {
    while (rows.step()) {
      const [hash, content, kind, tool, bytes, createdAt, accessedAt] = rows.get();
      const text = asText(content);
      moved.original({ hash: String(hash), content: text, kind: String(kind), tool: tool ? String(tool) : undefined });
      insert.run([hash, kind, tool, bytes, text.slice(0, PREVIEW_LENGTH), createdAt, accessedAt]);
    }
  } finally {
    rows.free();
    insert.free();
  }
  const memo = db.prepare('SELECT key, value FROM compressions');
  const update = db.prepare('UPDATE compressions SET value = ? WHERE key = ?');
  try {
    while (memo.step()) {
      const [key, json] = memo.get();
      const { text, ...decision } = JSON.parse(String(json)) as { text?: string };
      if (text === undefined) continue;
      moved.memoText(String(key), text);
      update.run([JSON.stringify(decision), key]);
    }
  } finally {
    memo.free();
    update.free();
  }
  db.exec('DROP TABLE originals_v1; VACUUM;');
}

/** The characters of an original kept in the database, as the items list shows them. */
export const PREVIEW_LENGTH = 240;

/** Version 1 stored contents as UTF-8 bytes, and before that as text. */
function asText(value: unknown): string {
  return value instanceof Uint8Array
    ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8')
    : String(value);
}
