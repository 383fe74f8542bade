import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ENGINE_VERSION } from '../core/engineVersion';
import { registerHeadroomTools } from './headroomTools';
import { LineTransport } from './lineTransport';
import { StoreSession } from './storeSession';

/** The largest JSON-RPC message read: the largest content the tools accept, JSON-escaped. */
const MAX_MESSAGE_BYTES = 320 * 1024 * 1024;

const INSTRUCTIONS =
  'Headroom compresses large tool outputs reversibly. Pass long logs, JSON, tables, search results or diffs through headroom_compress before reading them; ' +
  'markers "[headroom: … · retrieve hash=HASH]" in any compressed text (also from the Headroom proxy) expand with headroom_retrieve. ' +
  'headroom_share and headroom_shared pass compressed context between agents working on this project.';

export interface McpServing {
  /** Resolves when the client closes the connection (stdin ends). */
  closed: Promise<void>;
  close(): Promise<void>;
}

/** Serves Headroom's MCP tools on the given streams until the client disconnects. */
export async function serveMcp(options: {
  storeFile: string;
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  onLog: (line: string) => void;
}): Promise<McpServing> {
  const server = new McpServer(
    { name: 'headroom', title: 'Headroom', version: `engine-${ENGINE_VERSION}` },
    { instructions: INSTRUCTIONS },
  );
  const session = new StoreSession(options.storeFile, options.onLog);
  registerHeadroomTools(server, session, () => server.server.getClientVersion()?.name ?? 'mcp-client');
  const transport = new LineTransport(options.stdin, options.stdout, MAX_MESSAGE_BYTES);
  transport.onerror = (error) => options.onLog(`headroom mcp: ${error.message}`);
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
  });
  await server.connect(transport);
  const close = async () => {
    await server.close();
    await session.release();
  };
  return { closed: closed.then(() => session.release()), close };
}
