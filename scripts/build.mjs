// Bundles with esbuild into dist/: the CLI and proxy (dist/cli.js, also the process the
// extension forks), the library (dist/index.js, dist/langchain.js), the extension host (dist/extension.js) and
// the savings panel's webview (dist/webview/). tsc has already type-checked and emitted
// out/ for the tests.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { GRAMMAR_FILES } from './grammars.mjs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
// sqliteFile.ts resolves sql.js's wasm only when running unbundled; bundles find it beside them in dist/.
const node = {
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, minify: true, keepNames: true, logLevel: 'warning', external: ['vscode'],
  logOverride: { 'require-resolve-not-external': 'silent' },
};

await mkdir('dist/webview', { recursive: true });
await mkdir('dist/tree-sitter', { recursive: true });
const treeSitter = dirname(require.resolve('@vscode/tree-sitter-wasm'));
await Promise.all([
  build({ ...node, entryPoints: ['src/cli/bin.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // transformers.js is bundled; its native ONNX runtime is not: it is fetched on first use and
  // found through the worker's NODE_PATH (src/embeddings/embeddingAssets.ts). Image support is left out.
  build({
    ...node, entryPoints: ['src/embeddings/embeddingWorker.ts'], outfile: 'dist/embeddingWorker.js',
    external: ['onnxruntime-node', 'onnxruntime-common'], alias: { sharp: './src/embeddings/sharpUnavailable.ts' },
    logOverride: { ...node.logOverride, 'empty-import-meta': 'silent' },
  }),
  build({ ...node, entryPoints: ['src/index.ts'], outfile: 'dist/index.js', minify: false }),
  // A peer dependency: the user's own @langchain/core, so the model is an instance of their BaseChatModel.
  build({ ...node, entryPoints: ['src/langchain/index.ts'], outfile: 'dist/langchain.js', minify: false, external: ['vscode', '@langchain/core', '@langchain/core/*'] }),
  // The banner timestamps the start of the bundle's evaluation, so the logged activation time includes loading it.
  build({ ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', banner: { js: 'globalThis.__headroomLoadStart = performance.now();' } }),
  build({ bundle: true, platform: 'browser', target: 'chrome120', format: 'iife', minify: true, sourcemap: true, logLevel: 'warning', entryPoints: ['webview-ui/src/main.ts'], outfile: 'dist/webview/panel.js' }),
  copyFile('webview-ui/panel.css', 'dist/webview/panel.css'),
  copyFile(join(dirname(require.resolve('sql.js')), 'sql-wasm.wasm'), 'dist/sql-wasm.wasm'),
  // The code compressor's parser: tree-sitter's runtime and the grammars it reads (src/syntax).
  ...['tree-sitter.wasm', ...GRAMMAR_FILES].map((file) => copyFile(join(treeSitter, file), join('dist/tree-sitter', file))),
]);
