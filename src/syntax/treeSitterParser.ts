import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CodeBody, CodeOutline, CodeParser } from '../core/codeOutline';
import type * as TreeSitter from '@vscode/tree-sitter-wasm';

type Runtime = typeof TreeSitter;
type SyntaxNode = TreeSitter.Node;

/** The grammars shipped in dist/tree-sitter/ (from @vscode/tree-sitter-wasm), by language. */
export const GRAMMARS: Record<string, string> = {
  typescript: 'tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-tsx.wasm',
  javascript: 'tree-sitter-javascript.wasm',
  python: 'tree-sitter-python.wasm',
  go: 'tree-sitter-go.wasm',
  rust: 'tree-sitter-rust.wasm',
  java: 'tree-sitter-java.wasm',
  cpp: 'tree-sitter-cpp.wasm',
};

/** Declarations whose body may go behind a marker. */
const FUNCTION_LIKE = /function|method|constructor|lambda|closure|arrow_function/;
/** Declarations whose members are looked at one by one. */
const CONTAINER =
  /class|interface|impl|trait|struct|enum|namespace|module|object|declaration_list|body|block|export_statement|template_declaration|lexical_declaration|variable_declarator|decorated_definition/;
/** Bodies shorter than this stay: a marker would save little and hide much. */
const MIN_BODY_LINES = 4;

/**
 * Code outlines from tree-sitter (web-tree-sitter and the grammars VS Code itself ships).
 * The runtime and each grammar load once, on first use. Where they cannot be loaded, no
 * outline is given and code is compressed as it would be without a parser.
 */
export class TreeSitterParser implements CodeParser {
  private runtime?: Promise<Runtime>;
  private readonly parsers = new Map<string, Promise<TreeSitter.Parser | undefined>>();

  constructor(private readonly wasmDir?: string) {}

  async outline(text: string, language: string): Promise<CodeOutline | undefined> {
    if (!GRAMMARS[language]) return undefined;
    const parser = await this.parser(language);
    if (!parser) return undefined;
    const tree = parser.parse(text);
    if (!tree) return undefined;
    try {
      const bodies: CodeBody[] = [];
      collect(tree.rootNode, [], bodies);
      return { language, bodies, errorShare: errorShare(tree.rootNode, text.length) };
    } finally {
      tree.delete();
    }
  }

  private parser(language: string): Promise<TreeSitter.Parser | undefined> {
    let parser = this.parsers.get(language);
    if (!parser) {
      parser = (async () => {
        const wasmDir = this.wasmDir ?? defaultWasmDir();
        if (!wasmDir) return undefined;
        const runtime = await this.load(wasmDir);
        const grammar = await runtime.Language.load(join(wasmDir, GRAMMARS[language]));
        const p = new runtime.Parser();
        p.setLanguage(grammar);
        return p;
      })().catch(() => undefined);
      this.parsers.set(language, parser);
    }
    return parser;
  }

  private load(wasmDir: string): Promise<Runtime> {
    this.runtime ??= (async () => {
      // Loaded only when code is first outlined: the runtime is not needed for anything else.
      const runtime = (await import('@vscode/tree-sitter-wasm')) as unknown as Runtime & { default?: Runtime };
      const api = runtime.Parser ? runtime : runtime.default!;
      await api.Parser.init({ locateFile: (file: string) => join(wasmDir, file) });
      return api;
    })();
    return this.runtime;
  }
}

/** dist/tree-sitter beside a bundle; the package's own folder when running from sources; none when neither is there. */
function defaultWasmDir(): string | undefined {
  const bundled = join(__dirname, 'tree-sitter');
  if (existsSync(join(bundled, 'tree-sitter.wasm'))) return bundled;
  try {
    return dirname(require.resolve('@vscode/tree-sitter-wasm'));
  } catch {
    return undefined;
  }
}

function collect(node: SyntaxNode, scope: string[], bodies: CodeBody[]): void {
  for (const child of node.namedChildren) {
    if (!child) continue;
    const name = nameOf(child);
    const body = child.childForFieldName('body');
    if (body && FUNCTION_LIKE.test(child.type) && body.type !== 'expression') {
      const lines = bodyLines(body);
      if (lines && lines.lastLine - lines.firstLine + 1 >= MIN_BODY_LINES)
        bodies.push({ symbol: [...scope, name ?? child.type].join('.'), ...lines });
      continue;
    }
    if (
      CONTAINER.test(child.type) ||
      child.type === 'program' ||
      child.type === 'source_file' ||
      child.type === 'translation_unit'
    )
      collect(child, name ? [...scope, name] : scope, bodies);
  }
}

/** The body's lines without the lines that open and close it (its `{` and `}` lines stay). */
function bodyLines(body: SyntaxNode): { firstLine: number; lastLine: number } | undefined {
  const start = body.startPosition.row;
  const end = body.endPosition.row;
  const firstLine = body.text.startsWith('{') ? start + 1 : start;
  const lastLine = body.text.endsWith('}') ? end - 1 : end;
  return lastLine >= firstLine ? { firstLine: docstringEnd(body, firstLine), lastLine } : undefined;
}

/** A Python docstring (the body's first statement, a string) stays with its signature. */
function docstringEnd(body: SyntaxNode, firstLine: number): number {
  const first = body.namedChildren[0];
  if (first?.type === 'expression_statement' && first.namedChildren[0]?.type === 'string')
    return Math.max(firstLine, first.endPosition.row + 1);
  return firstLine;
}

function nameOf(node: SyntaxNode): string | undefined {
  const name = node.childForFieldName('name') ?? node.childForFieldName('declarator');
  if (!name) return undefined;
  const text = name.text;
  // A C/C++ declarator holds the parameters too: `Foo::bar(int x)` → `Foo::bar`.
  return text.replace(/\s*\(.*$/s, '').slice(0, 120);
}

function errorShare(root: SyntaxNode, length: number): number {
  if (!root.hasError || length === 0) return 0;
  let bad = 0;
  const visit = (node: SyntaxNode) => {
    if (node.isError || node.isMissing) {
      bad += node.endIndex - node.startIndex;
      return;
    }
    if (node.hasError) for (const child of node.children) if (child) visit(child);
  };
  visit(root);
  return bad / length;
}
