import { RETRIEVE_TOOL_NAME } from '../../core/retrieveAnswer';

/**
 * The request's tools with the retrieve tool appended last. Always last and always the same
 * bytes, so the cached prompt prefix (tools come first) is identical on every turn.
 */
export function withRetrieveTool<T>(tools: unknown, tool: T): unknown[] {
  const list = Array.isArray(tools) ? tools : [];
  const present = list.some((t) => isNamed(t, RETRIEVE_TOOL_NAME));
  return present ? list : [...list, tool];
}

function isNamed(tool: unknown, name: string): boolean {
  if (typeof tool !== 'object' || tool === null) return false;
  const t = tool as { name?: unknown; function?: { name?: unknown } };
  return t.name === name || t.function?.name === name;
}
