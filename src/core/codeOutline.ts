/**
 * What the code compressor needs to know of a source file's structure: the bodies it may put
 * behind a marker. The engine stays pure; a parser outside `src/core` (tree-sitter, in
 * src/syntax) produces the outline.
 */
export interface CodeBody {
  /** The declaration it belongs to, qualified by its containers: `ClassName.method`. */
  symbol: string;
  /** Zero-based, inclusive: the lines that can go (the signature and closing lines stay). */
  firstLine: number;
  lastLine: number;
}

export interface CodeOutline {
  language: string;
  /** Bodies of functions and methods, outermost only, in order, never overlapping. */
  bodies: CodeBody[];
  /** Share of the file the parser could not read; a high one means the outline is not to be trusted. */
  errorShare: number;
}

export interface CodeParser {
  /** Undefined for a language it does not read (by the names `languageOfPath` gives). */
  outline(text: string, language: string): Promise<CodeOutline | undefined>;
}

const EXTENSIONS: Record<string, string> = {
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'tsx',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  py: 'python',
  pyi: 'python',
  go: 'go',
  rs: 'rust',
  java: 'java',
  c: 'cpp',
  h: 'cpp',
  cc: 'cpp',
  cpp: 'cpp',
  cxx: 'cpp',
  hpp: 'cpp',
  hh: 'cpp',
  hxx: 'cpp',
};

/** The language of a file by its name, or undefined for one the code compressor does not read. */
export function languageOfPath(path: string | undefined): string | undefined {
  const extension = /\.([A-Za-z0-9]+)$/.exec(path ?? '')?.[1]?.toLowerCase();
  return extension ? EXTENSIONS[extension] : undefined;
}

/** The shell command a tool call ran: `command` (Claude Code's Bash, mini-swe-agent, OpenHands) or `cmd` (Codex). */
export function shellCommandOf(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const { command, cmd } = input as Record<string, unknown>;
  return typeof command === 'string' ? command : typeof cmd === 'string' ? cmd : undefined;
}

/** A file path a tool call names: its path argument, or the file a shell command views. */
export function filePathOfCall(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const args = input as Record<string, unknown>;
  for (const key of ['file_path', 'path', 'filePath', 'filename', 'notebook_path'])
    if (typeof args[key] === 'string') return args[key] as string;
  const command = shellCommandOf(input);
  if (!command) return undefined;
  const viewed = /\b(?:cat|nl|head|tail|sed|bat|less)\b[^|;&]*?\s((?:[\w.@+-]*\/)*[\w.@+-]+\.[A-Za-z0-9]{1,6})\b/.exec(
    command,
  );
  return viewed?.[1];
}
