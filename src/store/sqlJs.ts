import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import initSqlJs, { type SqlJsStatic } from 'sql.js';

let sqlJs: Promise<SqlJsStatic> | undefined;

/** sql.js, once per thread. The wasm sits beside the bundle in dist/, or in the sql.js package when running from source. */
export function loadSqlJs(): Promise<SqlJsStatic> {
  sqlJs ??= initSqlJs({
    locateFile: (name: string) => {
      const bundled = join(__dirname, name);
      return existsSync(bundled) ? bundled : join(dirname(require.resolve('sql.js')), name);
    },
  });
  return sqlJs;
}
