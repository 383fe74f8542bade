/**
 * The Messages API's documented request rules that a proxy could break by rewriting a body,
 * checked the way the API checks them, with its wording where it has one. A fake Anthropic
 * upstream answers 400 `invalid_request_error` with the first rule broken.
 */

type Json = Record<string, unknown>;

const blocksOf = (message: Json): Json[] =>
  typeof message.content === 'string'
    ? [{ type: 'text', text: message.content }]
    : Array.isArray(message.content)
      ? (message.content as Json[])
      : [];

export function anthropicRequestError(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'request body must be a JSON object';
  const request = body as Json;
  if (typeof request.model !== 'string') return 'model: Field required';
  if (typeof request.max_tokens !== 'number') return 'max_tokens: Field required';
  if (!Array.isArray(request.messages) || request.messages.length === 0)
    return 'messages: at least one message is required';
  const messages = request.messages as Json[];

  const names = new Set<string>();
  for (const [i, tool] of (Array.isArray(request.tools) ? (request.tools as Json[]) : []).entries()) {
    if (typeof tool.name !== 'string') return `tools.${i}.name: Field required`;
    if (names.has(tool.name)) return 'tools: Tool names must be unique.';
    names.add(tool.name);
    if (tool.type === undefined && typeof tool.input_schema !== 'object')
      return `tools.${i}.custom.input_schema: Field required`;
  }

  for (const [i, message] of messages.entries()) {
    // Claude Code puts its environment in a `system` message between the turns.
    if (message.role !== 'user' && message.role !== 'assistant' && message.role !== 'system')
      return `messages.${i}.role: Input should be 'user', 'assistant' or 'system'`;
    const blocks = blocksOf(message);
    if (blocks.length === 0 && message.role === 'user')
      return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    for (const [j, block] of blocks.entries()) {
      if (block.type === 'text' && block.text === '')
        return `messages.${i}.content.${j}.text: text content blocks must be non-empty`;
      if ((block.type === 'thinking' || block.type === 'redacted_thinking') && block.cache_control !== undefined)
        return `messages.${i}.content.${j}.${block.type}.cache_control: Extra inputs are not permitted`;
    }
    const uses =
      message.role === 'assistant' ? blocks.filter((b) => b.type === 'tool_use').map((b) => String(b.id)) : [];
    if (uses.length === 0) continue;
    const next = messages[i + 1];
    if (!next) continue; // a request may end with the model's own tool call only as a prefill; the API answers it
    const nextBlocks = blocksOf(next);
    const results = nextBlocks.filter((b) => b.type === 'tool_result').map((b) => String(b.tool_use_id));
    for (const id of uses) {
      if (!results.includes(id)) {
        return `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${id}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
      }
    }
    const firstOther = nextBlocks.findIndex((b) => b.type !== 'tool_result');
    if (firstOther >= 0 && nextBlocks.slice(firstOther).some((b) => b.type === 'tool_result'))
      return `messages.${i + 1}: tool_result blocks must come first in the user message`;
  }
  for (const [i, message] of messages.entries()) {
    if (message.role !== 'user') continue;
    const previous = messages[i - 1];
    const uses = new Set(
      previous
        ? blocksOf(previous)
            .filter((b) => b.type === 'tool_use')
            .map((b) => String(b.id))
        : [],
    );
    for (const block of blocksOf(message)) {
      if (block.type === 'tool_result' && !uses.has(String(block.tool_use_id))) {
        return `messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
      }
    }
  }
  return undefined;
}
