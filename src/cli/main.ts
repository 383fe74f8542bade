import { compressCommand } from './commands/compressCommand';
import { embeddingsCommand } from './commands/embeddingsCommand';
import { learnCommand } from './commands/learnCommand';
import { mcpCommand } from './commands/mcpCommand';
import { proxyCommand } from './commands/proxyCommand';
import { retrieveCommand } from './commands/retrieveCommand';
import { UsageError, type CliIo, type Command } from './command';

const COMMANDS: readonly Command[] = [proxyCommand, compressCommand, retrieveCommand, mcpCommand, learnCommand, embeddingsCommand];

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
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`headroom: unknown command "${name}"\n\n${overview()}`);
    return 2;
  }
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
    io.stderr.write(`headroom ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
