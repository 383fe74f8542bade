// Bundles the CLI and the library into dist/ with esbuild; tsc has already type-checked
// and emitted out/ for the tests.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
// sqliteFile.ts resolves sql.js's wasm only when running unbundled; bundles find it beside them in dist/.
const common = {
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning', external: ['vscode'],
  logOverride: { 'require-resolve-not-external': 'silent' },
};

await mkdir('dist', { recursive: true });
await Promise.all([
  build({ ...common, entryPoints: ['src/cli/bin.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.js' }),
  copyFile(join(dirname(require.resolve('sql.js')), 'sql-wasm.wasm'), 'dist/sql-wasm.wasm'),
]);
