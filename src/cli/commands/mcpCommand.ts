import { parseArgs } from 'node:util';
import { serveMcp } from '../../mcp/mcpServer';
import { defaultStorePath } from '../../store/paths';
import type { Command } from '../command';

export const mcpCommand: Command = {
  name: 'mcp',
  usage: `headroom mcp [--store FILE]

An MCP server on stdin/stdout, for agents that speak MCP (Claude Code, Copilot's agent mode,
Cursor…): claude mcp add headroom -- headroom mcp
Tools: headroom_compress, headroom_retrieve, headroom_stats, headroom_share, headroom_shared.
When a Headroom proxy runs on the same store, calls go through it, so whatever either
compressed, the other can retrieve; otherwise the store is opened for each call and let go.
Diagnostics go to stderr.`,
  async run(args, io) {
    const { values } = parseArgs({ args, options: { store: { type: 'string' } }, strict: true });
    const serving = await serveMcp({
      storeFile: values.store ?? defaultStorePath(io.env),
      stdin: io.stdin,
      stdout: io.stdout,
      onLog: (line) => io.stderr.write(`${line}\n`),
    });
    // A client that goes away closes stdin; one that only signals (or whose terminal hangs up) is heard too.
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    const stop = () => void serving.close();
    for (const signal of signals) process.once(signal, stop);
    await serving.closed;
    for (const signal of signals) process.off(signal, stop);
    return 0;
  },
};
