import type { ContentKind, StoredOriginal } from '../core/types';
import type { TextFiles } from './textFiles';

/** The originals, one text file each, named by content hash; the header holds kind and tool. */
export class OriginalFiles {
  constructor(readonly files: TextFiles) {}

  /** Resolves once the original is complete under its name; see TextFiles. */
  write(original: StoredOriginal): Promise<void> {
    return this.files.write(
      original.hash,
      { kind: original.kind, ...(original.tool ? { tool: original.tool } : {}) },
      original.content,
    );
  }

  async read(hash: string): Promise<StoredOriginal | undefined> {
    const found = await this.files.read(hash);
    if (!found) return undefined;
    const tool = found.header.tool;
    return {
      hash,
      content: found.text,
      kind: found.header.kind as ContentKind,
      tool: typeof tool === 'string' ? tool : undefined,
    };
  }

  remove(hash: string): Promise<void> {
    return this.files.remove(hash);
  }

  sweep(): Promise<string[]> {
    return this.files.sweep();
  }
}
