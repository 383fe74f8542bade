export type ContentBlock = Record<string, unknown> & { type: string };

/**
 * Rebuilds the content blocks of a streamed Anthropic message from its events, as the API
 * would have returned them whole: text, thinking with its signature, tool input from its
 * JSON fragments. Block types it does not know keep their start payload.
 */
export class BlockAssembler {
  private readonly blocks = new Map<number, ContentBlock>();
  private readonly partialJson = new Map<number, string>();

  start(index: number, block: ContentBlock): void {
    this.blocks.set(index, { ...block });
  }

  delta(index: number, delta: Record<string, unknown>): void {
    const block = this.blocks.get(index);
    if (!block) return;
    switch (delta.type) {
      case 'text_delta':
        block.text = String(block.text ?? '') + String(delta.text ?? '');
        break;
      case 'thinking_delta':
        block.thinking = String(block.thinking ?? '') + String(delta.thinking ?? '');
        break;
      case 'signature_delta':
        block.signature = delta.signature;
        break;
      case 'input_json_delta':
        this.partialJson.set(index, (this.partialJson.get(index) ?? '') + String(delta.partial_json ?? ''));
        break;
      case 'citations_delta':
        block.citations = [...((block.citations as unknown[]) ?? []), delta.citation];
        break;
    }
  }

  stop(index: number): void {
    const block = this.blocks.get(index);
    const json = this.partialJson.get(index);
    if (block && json !== undefined) {
      try {
        block.input = json.trim() ? JSON.parse(json) : {};
      } catch {
        block.input = {};
      }
    }
  }

  block(index: number): ContentBlock | undefined {
    return this.blocks.get(index);
  }

  /** The blocks in upstream order. */
  all(): ContentBlock[] {
    return [...this.blocks.entries()].sort((a, b) => a[0] - b[0]).map(([, block]) => block);
  }
}
