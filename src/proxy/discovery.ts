import { readFileSync, rmSync } from 'node:fs';
import * as z from 'zod/mini';
import { ENGINE_VERSION } from '../core/engineVersion';
import { FileLock } from '../store/fileLock';
import { writeFileAtomicSync } from '../store/atomicWrite';

/** What a running proxy says about itself, next to the store it holds. */
const discoverySchema = z.object({
  url: z.url(),
  port: z.number(),
  pid: z.number(),
  engineVersion: z.number(),
  /** The loopback API's secret: this file is written readable by the user alone. */
  apiToken: z.string(),
});
export type ProxyDiscovery = z.infer<typeof discoverySchema>;

/** The discovery file of the proxy that holds `storeFile`. */
export function discoveryPath(storeFile: string): string {
  return `${storeFile}.proxy.json`;
}

export function writeDiscovery(storeFile: string, info: Omit<ProxyDiscovery, 'pid' | 'engineVersion'>): void {
  const path = discoveryPath(storeFile);
  writeFileAtomicSync(path, JSON.stringify({ ...info, pid: process.pid, engineVersion: ENGINE_VERSION }), 0o600);
}

/** Best effort: on a read-only or vanished directory there is nothing to remove, and shutting down goes on. */
export function removeDiscovery(storeFile: string): void {
  try {
    rmSync(discoveryPath(storeFile), { force: true });
  } catch {
    // The pid in it no longer holds the lock, so readers ignore it anyway.
  }
}

/** The proxy holding `storeFile`, if its discovery file names the given pid (the lock holder). */
export function readDiscovery(storeFile: string, pid: number): ProxyDiscovery | undefined {
  try {
    const info = discoverySchema.safeParse(JSON.parse(readFileSync(discoveryPath(storeFile), 'utf8')));
    return info.success && info.data.pid === pid ? info.data : undefined;
  } catch {
    return undefined;
  }
}

/** The running proxy that holds `storeFile`, if any: the lock's live holder, confirmed by its discovery file. */
export function findRunningProxy(storeFile: string): ProxyDiscovery | undefined {
  const holder = FileLock.holder(storeFile);
  return holder === undefined ? undefined : readDiscovery(storeFile, holder);
}
