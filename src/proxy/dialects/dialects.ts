import { anthropicMessages } from './anthropicMessages';
import type { Dialect, Retrieval } from './dialect';
import { gemini } from './gemini';
import { openaiChat } from './openaiChat';
import { openaiResponses } from './openaiResponses';

/** Every provider API the proxy compresses; a new API is a new file here. */
export const DIALECTS: readonly Dialect[] = [anthropicMessages, openaiChat, openaiResponses, gemini];

/** The dialect whose conversation route this is, and what the route does. */
export function conversationRoute(
  path: string,
  query: URLSearchParams,
): { dialect: Dialect; retrieval: Retrieval } | undefined {
  for (const dialect of DIALECTS) {
    const retrieval = dialect.route(path, query);
    if (retrieval) return { dialect, retrieval };
  }
  return undefined;
}
