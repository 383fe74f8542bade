// Bundles with esbuild into dist/: the CLI and proxy (dist/cli.mjs, also the process the
// extension forks), the library (dist/index.js, dist/langchain.js), the extension host (dist/extension.js) and
// the savings panel's webview (dist/webview/). tsc has already type-checked and emitted
// out/ for the tests.
import { build } from 'esbuild';
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';
import { GRAMMAR_FILES } from './grammars.mjs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
// sqlJs.ts resolves sql.js's wasm only when running unbundled; bundles find it beside them in dist/.
const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  minify: true,
  keepNames: true,
  logLevel: 'warning',
  external: ['vscode'],
  logOverride: { 'require-resolve-not-external': 'silent' },
};

const ESM_GLOBALS = [
  "import { createRequire as __hrRequire } from 'node:module';",
  "import { fileURLToPath as __hrPath } from 'node:url';",
  'const require = __hrRequire(import.meta.url);',
  'const __filename = __hrPath(import.meta.url);',
  "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));",
].join(' ');

// Modules the CLI requires only when first used (src/core/tokens.ts): each is its own file beside
// the bundle, so a command that never counts tokens never reads or compiles megabytes of BPE table.
const LAZY_FILES = { 'gpt-tokenizer/encoding/o200k_base': 'o200k_base.cjs' };

function besideTheBundle(files) {
  const filter = new RegExp(
    `^(${Object.keys(files)
      .map((name) => name.replace(/[/.]/g, '\\$&'))
      .join('|')})$`,
  );
  return {
    name: 'beside-the-bundle',
    setup: (b) => b.onResolve({ filter }, (args) => ({ path: `./${files[args.path]}`, external: true })),
  };
}

// A chunk's name is its content's hash: the ones an earlier build wrote are removed.
for (const file of await readdir('dist').catch(() => []))
  if (/^cli(-[A-Z0-9]+)?\.mjs(\.map)?$|^cli\.js(\.map)?$/.test(file)) await rm(join('dist', file));
await mkdir('dist/webview', { recursive: true });
await mkdir('dist/tree-sitter', { recursive: true });
const treeSitter = dirname(require.resolve('@vscode/tree-sitter-wasm'));
await Promise.all([
  // The CLI is ES modules split into chunks, so each command loads only what it uses. Bundled
  // CommonJS dependencies still call require and read __dirname, which the banner defines.
  build({
    ...node,
    format: 'esm',
    splitting: true,
    entryPoints: { cli: 'src/cli/bin.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'cli-[hash]',
    banner: { js: ['#!/usr/bin/env node', ESM_GLOBALS].join('\n') },
    plugins: [besideTheBundle(LAZY_FILES)],
  }),
  ...Object.entries(LAZY_FILES).map(([module, file]) =>
    build({ ...node, entryPoints: [module], outfile: join('dist', file) }),
  ),
  // transformers.js is bundled; its native ONNX runtime is not: it is fetched on first use and
  // found through the worker's NODE_PATH (src/embeddings/embeddingAssets.ts). Image support is left out.
  build({
    ...node,
    entryPoints: ['src/embeddings/embeddingWorker.ts'],
    outfile: 'dist/embeddingWorker.js',
    external: ['onnxruntime-node', 'onnxruntime-common'],
    alias: { sharp: './src/embeddings/sharpUnavailable.ts' },
    logOverride: { ...node.logOverride, 'empty-import-meta': 'silent' },
  }),
  // The proxy compresses large outputs in this worker (src/proxy/worker/compressionThread.ts).
  build({
    ...node,
    entryPoints: ['src/proxy/worker/compressionWorker.ts'],
    outfile: 'dist/compressionWorker.js',
    plugins: [besideTheBundle(LAZY_FILES)],
  }),
  // The store writes its database's snapshots in this worker (src/store/storeDatabase.ts).
  build({ ...node, entryPoints: ['src/store/compactionWorker.ts'], outfile: 'dist/compactionWorker.js' }),
  build({ ...node, entryPoints: ['src/index.ts'], outfile: 'dist/index.js', minify: false }),
  // A peer dependency: the user's own @langchain/core, so the model is an instance of their BaseChatModel.
  build({
    ...node,
    entryPoints: ['src/langchain/index.ts'],
    outfile: 'dist/langchain.js',
    minify: false,
    external: ['vscode', '@langchain/core', '@langchain/core/*'],
  }),
  // The banner timestamps the start of the bundle's evaluation, so the logged activation time includes loading it.
  build({
    ...node,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    banner: { js: 'globalThis.__headroomLoadStart = performance.now();' },
  }),
  build({
    bundle: true,
    platform: 'browser',
    target: 'chrome120',
    format: 'iife',
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
    entryPoints: ['webview-ui/src/main.ts'],
    outfile: 'dist/webview/panel.js',
  }),
  copyFile('webview-ui/panel.css', 'dist/webview/panel.css'),
  copyFile(join(dirname(require.resolve('sql.js')), 'sql-wasm.wasm'), 'dist/sql-wasm.wasm'),
  // The code compressor's parser: tree-sitter's runtime and the grammars it reads (src/syntax).
  ...['tree-sitter.wasm', ...GRAMMAR_FILES].map((file) =>
    copyFile(join(treeSitter, file), join('dist/tree-sitter', file)),
  ),
]);
