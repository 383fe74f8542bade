import type { Pool, QueryResultRow } from 'pg';
import { errorMessage } from '../shared/errorMessage';
import { redactedUrl } from './paths';
import { migratePostgres, POSTGRES_SCHEMA_VERSION } from './postgresSchema';
import type { Row, SqlParam, StoreSql } from './storeSql';

export interface PostgresOptions {
  /** Told about trouble that does not stop the store, such as a connection the server closed. */
  onWarning?: (message: string) => void;
  /** Connections kept open to the server (default 10). */
  maxConnections?: number;
  /** For tests of an older schema: migrate no further than this version. */
  schemaVersion?: number;
}

/**
 * The store's database on a PostgreSQL server, shared by every proxy pointed at it. Each
 * statement commits on its own, so a change is durable once it resolves (with the server's
 * default synchronous_commit); the stores' statements are written so that two processes
 * running them at once cannot double-count (ON CONFLICT, changed-row counts).
 */
export class PostgresDatabase implements StoreSql {
  readonly shared = true;
  private readonly translated = new Map<string, string>();

  private constructor(
    private readonly pool: Pool,
    readonly location: string,
  ) {}

  /** Connects and migrates; rejects with a message naming the server (never its password). */
  static async open(url: string, options: PostgresOptions = {}): Promise<PostgresDatabase> {
    const location = redactedUrl(url);
    // Loaded here: a personal store never needs the driver, and start-up does not pay for it.
    const { Pool } = await import('pg');
    const pool = new Pool({
      connectionString: url,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: 10_000,
      application_name: 'headroom',
      // Idle connections never keep a process alive that has nothing else left to do.
      allowExitOnIdle: true,
    });
    // An idle connection the server closed: the pool replaces it; unhandled, it would end the process.
    pool.on('error', (error) => options.onWarning?.(`Headroom store ${location}: ${errorMessage(error)}`));
    try {
      const client = await pool.connect();
      try {
        await migratePostgres(client, options.schemaVersion ?? POSTGRES_SCHEMA_VERSION);
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw new Error(`Headroom store ${location} could not be opened: ${errorMessage(error)}`, { cause: error });
    }
    return new PostgresDatabase(pool, location);
  }

  async run(sql: string, params: SqlParam[] = []): Promise<number> {
    return (await this.query(sql, params)).rowCount ?? 0;
  }

  async insert(sql: string, params: SqlParam[] = []): Promise<number> {
    const result = await this.query(`${sql} RETURNING id`, params);
    return Number(result.rows[0]?.id);
  }

  async row(sql: string, params: SqlParam[] = []): Promise<Row | undefined> {
    return (await this.query(sql, params)).rows[0];
  }

  async scalar(sql: string, params: SqlParam[] = []): Promise<unknown> {
    return (await this.all(sql, params))[0]?.[0];
  }

  async all(sql: string, params: SqlParam[] = []): Promise<unknown[][]> {
    const result = await this.pool.query<unknown[]>({ text: this.postgres(sql), values: params, rowMode: 'array' });
    return result.rows;
  }

  async column(sql: string, params: SqlParam[] = []): Promise<string[]> {
    return (await this.all(sql, params)).map((row) => String(row[0]));
  }

  /** A statement with values SqlParam does not cover (the texts' bytes): PostgresTexts only. */
  query<R extends QueryResultRow = Row>(sql: string, params: unknown[] = []) {
    return this.pool.query<R>(this.postgres(sql), params);
  }

  /** Every statement committed when it resolved. */
  async flush(): Promise<void> {}

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** The statement with its `?` parameters numbered, as PostgreSQL wants them. */
  private postgres(sql: string): string {
    let text = this.translated.get(sql);
    if (text === undefined) {
      let n = 0;
      // A `?` inside a quoted literal is text, not a parameter.
      text = sql.replace(/'(?:[^']|'')*'|\?/g, (match) => (match === '?' ? `$${++n}` : match));
      this.translated.set(sql, text);
    }
    return text;
  }
}
