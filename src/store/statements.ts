import type { Database, SqlValue, Statement } from 'sql.js';

export type Params = Array<SqlValue>;

/**
 * Prepared statements kept for reuse: preparing parses the SQL inside the WASM module, which
 * costs more than running a small query, and the proxy runs the same few on every request.
 * sql.js frees them when the database closes.
 */
export class Statements {
  private readonly cache = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  private prepared(sql: string): Statement {
    let statement = this.cache.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.cache.set(sql, statement);
    }
    return statement;
  }

  /** Resolves to the number of rows the statement changed. */
  run(sql: string, params: Params = []): number {
    this.prepared(sql).run(params);
    return this.db.getRowsModified();
  }

  row(sql: string, params: Params = []): Record<string, SqlValue> | undefined {
    const statement = this.prepared(sql);
    try {
      statement.bind(params);
      return statement.step() ? statement.getAsObject() : undefined;
    } finally {
      statement.reset();
    }
  }

  scalar(sql: string, params: Params = []): SqlValue | undefined {
    const row = this.row(sql, params);
    return row ? Object.values(row)[0] : undefined;
  }
}
