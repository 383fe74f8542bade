import { RETRIEVE_TOOL_NAME } from '../../core/retrieveAnswer';

/**
 * The request's tools with the retrieve tool appended last. Always last and always the same
 * bytes, so the cached prompt prefix (tools come first) is identical on every turn.
 */
export function withRetrieveTool<T>(tools: unknown, tool: T): unknown[] {
  const list = toolList(tools);
  const present = list.some((t) => isNamed(t, RETRIEVE_TOOL_NAME));
  return present ? list : [...list, tool];
}

function isNamed(tool: unknown, name: string): boolean {
  if (typeof tool !== 'object' || tool === null) return false;
  const t = tool as { name?: unknown; function?: { name?: unknown } };
  return t.name === name || t.function?.name === name;
}

/**
 * The request's tools as a list. Anything else (a string, null, an object) is the client's
 * mistake for the upstream to answer, so the request must go as sent: this throws, and the
 * route forwards the original bytes.
 */
export function toolList(tools: unknown): unknown[] {
  if (tools === undefined) return [];
  if (!Array.isArray(tools)) throw new Error(`tools is ${tools === null ? 'null' : typeof tools}, not a list`);
  return tools as unknown[];
}
