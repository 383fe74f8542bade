/** A value a statement binds: the store writes no blobs through SQL. */
export type SqlParam = string | number | null;
export type Row = Record<string, unknown>;

/**
 * The store's database as the stores (CcrStore, StatsStore, SharedContext) use it, whichever
 * holds it: the embedded one (StoreDatabase, sql.js) or a team's PostgreSQL server
 * (PostgresDatabase). Statements are written once, in the SQL both understand, with `?` for
 * parameters; values come back as the driver gives them, so readers convert with Number() and
 * String().
 */
export interface StoreSql {
  /**
   * True when other processes change the same database at the same time: nothing read from it
   * may then be kept in memory past the call that read it (an original another process evicted
   * would be named again).
   */
  readonly shared: boolean;
  /** Runs a change; resolves to the number of rows it changed. */
  run(sql: string, params?: SqlParam[]): Promise<number>;
  /** Runs an INSERT into a table with an `id` key; resolves to the new row's id. */
  insert(sql: string, params?: SqlParam[]): Promise<number>;
  row(sql: string, params?: SqlParam[]): Promise<Row | undefined>;
  scalar(sql: string, params?: SqlParam[]): Promise<unknown>;
  /** Every row, as arrays of values in the order the query names them. */
  all(sql: string, params?: SqlParam[]): Promise<unknown[][]>;
  /** The first value of every row, as text. */
  column(sql: string, params?: SqlParam[]): Promise<string[]>;
  /** Resolves once every change made so far is written where the next open finds it. */
  flush(): Promise<void>;
  close(): Promise<void>;
}
