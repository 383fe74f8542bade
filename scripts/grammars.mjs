// The tree-sitter grammars the code compressor ships (from @vscode/tree-sitter-wasm); the
// languages map to them in src/syntax/treeSitterParser.ts, which a test holds to this list.
export const GRAMMAR_FILES = [
  'tree-sitter-typescript.wasm',
  'tree-sitter-tsx.wasm',
  'tree-sitter-javascript.wasm',
  'tree-sitter-python.wasm',
  'tree-sitter-go.wasm',
  'tree-sitter-rust.wasm',
  'tree-sitter-java.wasm',
  'tree-sitter-cpp.wasm',
];
