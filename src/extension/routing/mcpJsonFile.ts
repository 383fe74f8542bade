import { rmSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import type { McpCommandLine } from '../mcp/mcpLauncher';
import { readIfPresent, readJsonConfig, writeJsonConfig } from './configFile';

/** The name Headroom's server has in MCP client configurations. */
export const MCP_SERVER_NAME = 'headroom';

type McpJson = Record<string, unknown> & { mcpServers?: Record<string, unknown> };

/** What adding Headroom to a `.mcp.json` changed. */
export interface McpJsonChange {
  entry: Record<string, unknown>;
  /** The entry the name had before, put back on removal. */
  previous?: unknown;
  /** The file did not exist before. */
  created: boolean;
}

/** The `.mcp.json` entry for a command line, in Claude Code's project format. */
export function mcpJsonEntry(commandLine: McpCommandLine): Record<string, unknown> {
  return { type: 'stdio', command: commandLine.command, args: commandLine.args, env: commandLine.env };
}

/**
 * Adds Headroom's server to a project's `.mcp.json` (creating the file if needed), keeping
 * every other server and key, and a backup of the file as it was.
 */
export function addToMcpJson(file: string, entry: Record<string, unknown>): McpJsonChange {
  const created = readIfPresent(file) === undefined;
  const config = readJsonConfig<McpJson>(file, 'mcpServers');
  const previous = config.mcpServers?.[MCP_SERVER_NAME];
  writeJsonConfig(file, { ...config, mcpServers: { ...config.mcpServers, [MCP_SERVER_NAME]: entry } });
  return { entry, previous, created };
}

/**
 * Undoes `addToMcpJson`: the entry Headroom wrote goes (or the one it replaced comes back),
 * and a file Headroom created and nothing else uses goes too. An entry the user has changed
 * since is left alone (`kept`).
 */
export function removeFromMcpJson(file: string, change: McpJsonChange): { kept: boolean } {
  if (readIfPresent(file) === undefined) return { kept: false };
  const config = readJsonConfig<McpJson>(file, 'mcpServers');
  const current = config.mcpServers?.[MCP_SERVER_NAME];
  if (current === undefined) return { kept: false };
  if (!isDeepStrictEqual(current, change.entry)) return { kept: true };
  const { [MCP_SERVER_NAME]: _ours, ...others } = config.mcpServers ?? {};
  const next = {
    ...config,
    mcpServers: change.previous === undefined ? others : { ...others, [MCP_SERVER_NAME]: change.previous },
  };
  if (change.created && Object.keys(next).length === 1 && Object.keys(next.mcpServers).length === 0) rmSync(file);
  else writeJsonConfig(file, next);
  return { kept: false };
}
