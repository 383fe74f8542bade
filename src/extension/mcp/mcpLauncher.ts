import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readIfPresent } from '../routing/configFile';
import { writeFileAtomicSync } from '../../store/atomicWrite';

/** How an MCP client starts Headroom's MCP server. */
export interface McpCommandLine {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/**
 * Writes the script MCP clients start, and returns its command line. Clients keep the command
 * line in their own configuration (Claude Code's ~/.claude.json, .mcp.json), while the
 * extension's own path changes with every update; so they are given this script, at a path
 * that stays, and each start of the extension points it at the installed bundle and the store
 * the proxy uses. VS Code's own runtime runs it (as Node, through ELECTRON_RUN_AS_NODE), so no
 * separate Node.js install is needed.
 */
export function writeMcpLauncher(
  storageDir: string,
  cliPath: string,
  storeFile: string,
  runtime = process.execPath,
): McpCommandLine {
  const launcher = join(storageDir, 'headroom-mcp.js');
  const script = [
    '// Written by the Headroom extension each time it starts: its MCP server, on the store its proxy uses.',
    `process.env.HEADROOM_STORE = ${JSON.stringify(storeFile)};`,
    `import(${JSON.stringify(pathToFileURL(cliPath).href)});`,
    '',
  ].join('\n');
  if (readIfPresent(launcher) !== script) {
    mkdirSync(storageDir, { recursive: true });
    writeFileAtomicSync(launcher, script);
  }
  return { command: runtime, args: [launcher, 'mcp'], env: { ELECTRON_RUN_AS_NODE: '1' } };
}
