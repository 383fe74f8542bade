/**
 * An error the proxy itself answers, in the shape the client's API uses: OpenAI's for its
 * routes, Anthropic's for the rest (its own API and Anthropic's), so an SDK reads the message.
 */
export function errorBodyFor(path: string, message: string): unknown {
  return /^\/v1\/(chat\/completions|responses|completions|embeddings|models)\b/.test(path)
    ? { error: { message, type: 'server_error', param: null, code: 'headroom_error' } }
    : { type: 'error', error: { type: 'api_error', message } };
}
