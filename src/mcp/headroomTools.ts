import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { CONTENT_KINDS } from '../core/types';
import { savingsReportSchema, type SavingsReport, type SharedEntry } from '../proxy/api';
import { answerRetrieve } from '../core/retrieveAnswer';
import { formatDollars, formatPercent, formatTokens } from '../shared/format';
import type { StoreSession } from './storeSession';

/** The largest content the tools take, in characters: far above any tool output, well below what one process can hold. */
export const MAX_CONTENT_CHARS = 64 * 1024 * 1024;

const content = z
  .string()
  .describe(
    'The tool output to compress, exactly as the tool printed it (logs, JSON, tables such as CSV or kubectl output, grep/ripgrep results, a diff, code, text).',
  );
const query = z
  .string()
  .optional()
  .describe(
    'What you are looking for in it, in a few words (an error, a field, a name). Parts relevant to it are kept.',
  );
const kind = z.enum(CONTENT_KINDS).optional().describe('The kind of content, when detection should be skipped.');

const compressionShape = {
  hash: z.string().describe('Content hash of the original; headroom_retrieve with it returns the original.'),
  kind: z.string(),
  compressed: z.boolean().describe('False when the content was left as it was (small, or nothing to drop).'),
  tokensBefore: z.number(),
  tokensAfter: z.number(),
  markerHashes: z.array(z.string()).describe('Hashes named in the compressed text\'s "retrieve hash=…" markers.'),
};

/** Registers Headroom's tools; each call reaches the store through `session`. `agentName` names the client for shared-context provenance. */
export function registerHeadroomTools(server: McpServer, session: StoreSession, agentName: () => string): void {
  server.registerTool(
    'headroom_compress',
    {
      title: 'Compress a tool output',
      description:
        'Compresses a large tool output before you read it: errors, warnings, anomalies, boundary rows and the parts relevant to "query" are kept; ' +
        'repeated and routine content is dropped and replaced by markers "[headroom: … · retrieve hash=HASH]". Nothing is lost: headroom_retrieve with a ' +
        "marker's hash returns what it stands for. Outputs under about 500 tokens come back unchanged.",
      inputSchema: { content, query, kind },
      outputSchema: compressionShape,
      annotations: { readOnlyHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const tooLarge = sizeError(args.content);
      if (tooLarge) return tooLarge;
      const result = await session.use((access) =>
        access.compress({ content: args.content, query: args.query, kind: args.kind, tool: 'mcp' }),
      );
      const { hash, kind: detected, compressed, tokensBefore, tokensAfter, markerHashes } = result;
      const note = compressed
        ? `[headroom: ${formatTokens(tokensBefore)} → ${formatTokens(tokensAfter)} tokens; headroom_retrieve hash=${hash} returns the whole original]`
        : `[headroom: left unchanged (${result.reason ?? 'nothing to drop'}), ${formatTokens(tokensBefore)} tokens]`;
      return {
        content: [
          { type: 'text', text: result.text },
          { type: 'text', text: note },
        ],
        structuredContent: { hash, kind: detected, compressed, tokensBefore, tokensAfter, markerHashes },
      };
    },
  );

  server.registerTool(
    'headroom_retrieve',
    {
      title: 'Retrieve a compressed original',
      description:
        'Returns the original content behind a "[headroom: … · retrieve hash=HASH]" marker, from any agent or tool that Headroom compressed. ' +
        'Give "query" to get only the rows or lines about it, "symbol" for one function or class of source code whole, "offset" and "limit" to page through long originals.',
      inputSchema: {
        hash: z.string().describe('The hash from a "retrieve hash=…" marker (hex characters).'),
        query: z.string().optional().describe('Only return the rows or lines relevant to this.'),
        symbol: z
          .string()
          .optional()
          .describe('A function, method or class to return whole, by name ("parse", "Parser.parse").'),
        offset: z.number().int().min(0).optional().describe('First row or line to return (0-based).'),
        limit: z.number().int().min(1).optional().describe('Most rows or lines to return.'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args) => {
      const answer = await session.use((access) => answerRetrieve(args, access));
      return { content: [{ type: 'text', text: answer.content }], isError: answer.isError };
    },
  );

  server.registerTool(
    'headroom_stats',
    {
      title: 'Headroom savings',
      description:
        'Reports what Headroom has saved: tokens and dollars, compression by content kind and by tool, the prompt-cache hit rate and how often originals were retrieved.',
      outputSchema: savingsReportSchema.shape,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async () => {
      const report = await session.use((access) => access.savings());
      return { content: [{ type: 'text', text: describeSavings(report) }], structuredContent: { ...report } };
    },
  );

  server.registerTool(
    'headroom_share',
    {
      title: 'Share context with other agents',
      description:
        'Stores a tool output under a key so other agents on this project can reuse it compressed instead of running the tool again. ' +
        'The same content shared twice is compressed once; Headroom records which agents shared it and when.',
      inputSchema: {
        key: z
          .string()
          .min(1)
          .max(200)
          .describe('A name other agents will ask for, such as "test-run" or "api schema".'),
        content,
        query,
        kind,
        agent: z
          .string()
          .min(1)
          .max(100)
          .optional()
          .describe("Your name, for the record of who shared what (default: the MCP client's name)."),
      },
      annotations: { readOnlyHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const tooLarge = sizeError(args.content);
      if (tooLarge) return tooLarge;
      const put = await session.use((access) =>
        access.share({
          key: args.key,
          content: args.content,
          query: args.query,
          kind: args.kind,
          agent: args.agent ?? agentName(),
        }),
      );
      const how = put.deduplicated ? 'already shared before, not compressed again' : 'compressed';
      return {
        content: [
          {
            type: 'text',
            text: `Shared "${put.key}" (${how}): ${formatTokens(put.tokensBefore)} → ${formatTokens(put.tokensAfter)} tokens, hash ${put.hash}. ${provenanceLine(put)}`,
          },
        ],
      };
    },
  );

  server.registerTool(
    'headroom_shared',
    {
      title: 'Read shared context',
      description:
        'Returns what an agent shared under a key: the compressed form, or the original with "original": true. Without a key, lists the shared keys with who shared them.',
      inputSchema: {
        key: z
          .string()
          .min(1)
          .max(200)
          .optional()
          .describe('The key the context was shared under; leave out to list all keys.'),
        original: z.boolean().optional().describe('Return the original instead of the compressed form.'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args) => {
      if (args.key === undefined) {
        const listing = await session.use((access) => access.sharedList());
        const lines = listing.map(
          (e) =>
            `- ${e.key}: ${e.kind}, ${formatTokens(e.tokensBefore)} → ${formatTokens(e.tokensAfter)} tokens, shared by ${e.agents.join(', ')}`,
        );
        return {
          content: [
            {
              type: 'text',
              text: lines.length
                ? `Shared context:\n${lines.join('\n')}`
                : 'Nothing is shared yet; headroom_share stores a tool output under a key.',
            },
          ],
        };
      }
      const key = args.key;
      const entry = await session.use((access) => access.shared(key, { original: args.original }));
      if (!entry)
        return errorResult(`Nothing is shared under "${key}". Call headroom_shared without a key to list what is.`);
      return {
        content: [
          { type: 'text', text: entry.content },
          {
            type: 'text',
            text: `[headroom: "${entry.key}", ${entry.original ? 'original' : 'compressed'}, hash ${entry.hash}. ${provenanceLine(entry)}]`,
          },
        ],
      };
    },
  );
}

function sizeError(text: string): CallToolResult | undefined {
  if (text.length <= MAX_CONTENT_CHARS) return undefined;
  return errorResult(
    `content is ${(text.length / 1024 / 1024).toFixed(0)} M characters; Headroom takes up to ${MAX_CONTENT_CHARS / 1024 / 1024} M per call. Split it, or compress the tool's output file in parts.`,
  );
}

function errorResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

function provenanceLine(entry: SharedEntry): string {
  return `Shared by ${entry.provenance.map((p) => `${p.agent} (${p.key}, ${new Date(p.at).toISOString()})`).join(', ')}.`;
}

function describeSavings(report: SavingsReport): string {
  const { allTime: all } = report;
  const top = (list: SavingsReport['byKind']) =>
    list
      .slice(0, 5)
      .map((s) => `${s.key} ${formatTokens(s.tokensSaved)}`)
      .join(', ') || 'none yet';
  const state =
    report.source === 'proxy'
      ? `proxy running, compression ${report.compression ? 'on' : 'off'}`
      : 'no proxy running; figures read from the store';
  return [
    `Headroom (${state})`,
    `Tokens saved: ${formatTokens(all.tokensSaved)} of ${formatTokens(all.tokensBefore)} (${formatPercent(all.compression)}); ${all.tokenCounts}`,
    `Saved on the bill: ${formatDollars(all.dollarsSaved)} (${formatDollars(all.dollarsGross)} less ${formatDollars(all.retrieveToolDollars)} for the retrieve tool and ${formatDollars(all.retrievalDollars)} for retrievals; list prices from ${all.pricesAsOf})`,
    `Distinct outputs compressed: ${all.compressedItems} in ${all.requests} requests; retrievals: ${all.retrievals}; failures: ${all.failures}`,
    `Prompt-cache hit rate: ${all.cacheHitRate === null ? 'no provider report yet' : formatPercent(all.cacheHitRate)}`,
    `By kind: ${top(report.byKind)}`,
    `By tool: ${top(report.byTool)}`,
    `Store: ${report.store.originals} originals, ${(report.store.bytes / 1024 / 1024).toFixed(1)} MB`,
  ].join('\n');
}
