import * as vscode from 'vscode';
import type { LoopbackClient } from '../proxy/loopbackClient';

export const SCHEME = 'headroom';

const EXTENSIONS: Record<string, string> = {
  json: 'json',
  table: 'txt',
  log: 'log',
  diff: 'diff',
  search: 'txt',
  code: 'txt',
  prose: 'md',
};

/** `headroom:/original/<hash>.<ext>`: the extension picks the editor's language. */
export function originalUri(hash: string, kind: string): vscode.Uri {
  return vscode.Uri.from({ scheme: SCHEME, path: `/original/${hash}.${EXTENSIONS[kind] ?? 'txt'}` });
}

/** Read-only documents holding the originals behind compressed items, read from the proxy's store. */
export class OriginalDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly proxy: () => LoopbackClient | undefined) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const hash = /\/original\/([0-9a-f]+)/i.exec(uri.path)?.[1];
    if (!hash) throw new Error(`${uri.toString()} does not name a Headroom item.`);
    const proxy = this.proxy();
    if (!proxy)
      throw new Error(
        'The Headroom proxy is not running, so the original cannot be read. Restart it from the status bar.',
      );
    const original = await proxy.original(hash);
    if (original === undefined)
      throw new Error(
        `The store no longer holds the original for ${hash} (originals expire after the configured TTL).`,
      );
    return original;
  }
}
