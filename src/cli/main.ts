import { setFlagsFromString } from 'node:v8';
import type { CliIo, Command } from './command';
import { UsageError } from '../shared/optionValues';
import { errorMessage } from '../shared/errorMessage';

interface CommandEntry {
  name: string;
  summary: string;
  /** Runs once and exits, so compiling WebAssembly (sql.js, tree-sitter) for the long run only delays it. */
  oneShot?: boolean;
  /** Imported only when run, so `headroom --help` or `headroom retrieve` never loads the proxy or the MCP SDK. */
  load(): Promise<Command>;
}

const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'proxy',
    summary: 'run the compression proxy on 127.0.0.1 (or for a team, with --listen)',
    load: async () => (await import('./commands/proxyCommand.js')).proxyCommand,
  },
  {
    name: 'compress',
    oneShot: true,
    summary: 'compress a tool output read from stdin',
    load: async () => (await import('./commands/compressCommand.js')).compressCommand,
  },
  {
    name: 'retrieve',
    oneShot: true,
    summary: 'print the original behind a marker, or the part matching a query',
    load: async () => (await import('./commands/retrieveCommand.js')).retrieveCommand,
  },
  {
    name: 'mcp',
    summary: 'serve headroom_compress, headroom_retrieve and headroom_stats to an MCP client over stdio',
    load: async () => (await import('./commands/mcpCommand.js')).mcpCommand,
  },
  {
    name: 'learn',
    oneShot: true,
    summary: 'turn failed tool calls in agent transcripts into corrections in CLAUDE.md / AGENTS.md',
    load: async () => (await import('./commands/learnCommand.js')).learnCommand,
  },
  {
    name: 'tokens',
    oneShot: true,
    summary: 'add, list or revoke the tokens a team proxy admits',
    load: async () => (await import('./commands/tokensCommand.js')).tokensCommand,
  },
  {
    name: 'embeddings',
    oneShot: true,
    summary: 'fetch the embedding model and ONNX runtime for relevance by meaning, or show where they are',
    load: async () => (await import('./commands/embeddingsCommand.js')).embeddingsCommand,
  },
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `usage: headroom <command> [options]\n\n${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}\n\nheadroom <command> --help shows a command's options.\n`;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(overview());
    return name ? 0 : 2;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    io.stderr.write(`headroom: unknown command "${name}"\n\n${overview()}`);
    return 2;
  }
  // Liftoff's code is ready at once; the optimising tier would compile in the background for
  // hundreds of milliseconds that a one-shot command waits for at exit and never profits from.
  if (entry.oneShot) setFlagsFromString('--liftoff-only');
  const command = await entry.load();
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`headroom ${name}: ${(error as Error).message}\n\nusage: ${command.usage}\n`);
      return 2;
    }
    io.stderr.write(`headroom ${name}: ${errorMessage(error)}\n`);
    return 1;
  }
}
