import { DIALECTS } from './dialects/dialects';
import { GEMINI_PATH } from './dialects/gemini';
import { openaiErrorBody } from './dialects/openaiChat';

const OPENAI_PATHS = /^\/v1\/(chat\/completions|responses|completions|embeddings|models)\b/;

/**
 * An error the proxy itself answers, in the shape the client's API uses (a conversation
 * route's dialect decides), so an SDK reads the message: OpenAI's and Gemini's on their other
 * routes, Anthropic's for the rest (its own API and Anthropic's).
 */
export function errorBodyFor(path: string, message: string, type = 'api_error'): unknown {
  const dialect = DIALECTS.find((d) => d.route(path, new URLSearchParams('alt=sse')));
  if (dialect) return dialect.errors.json(message, type);
  if (GEMINI_PATH.test(path)) return { error: { code: 500, message, status: 'INTERNAL' } };
  if (OPENAI_PATHS.test(path)) return openaiErrorBody(message);
  return { type: 'error', error: { type, message } };
}
