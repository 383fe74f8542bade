import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** A download that did not complete or whose bytes are not the ones announced; the message says which URL and why. */
export class DownloadFailed extends Error {}

export interface DownloadOptions {
  signal?: AbortSignal;
  /** Called as bytes arrive: how many so far, and the size when the server says. */
  onProgress?: (receivedBytes: number, totalBytes: number | undefined) => void;
  /** `sha512-<base64>` as npm's registry gives it; the download fails if the bytes differ. */
  integrity?: string;
}

const MAX_REDIRECTS = 8;

/**
 * Streams `url` into `file`, following redirects, and checks what arrived: npm's `integrity`
 * when given, and the SHA-256 that the Hugging Face hub announces for large files (its
 * `X-Linked-Etag` header, sent on the redirect to the CDN) when there is one.
 */
export async function download(url: string, file: string, options: DownloadOptions = {}): Promise<void> {
  let location = url;
  let linkedSha256: string | undefined;
  for (let hop = 0; ; hop++) {
    const response = await fetchOrFail(location, options.signal);
    linkedSha256 ??= announcedSha256(response.headers);
    const next = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && next) {
      await response.body?.cancel();
      if (hop === MAX_REDIRECTS) throw new DownloadFailed(`${url}: more than ${MAX_REDIRECTS} redirects`);
      location = new URL(next, location).href;
      continue;
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new DownloadFailed(`${url}: HTTP ${response.status} ${response.statusText}`.trim());
    }
    const length = Number(response.headers.get('content-length'));
    const totalBytes = Number.isFinite(length) && length > 0 ? length : undefined;
    let receivedBytes = 0;
    // Only the digests something is announced for: the runtime tarball alone is 114 MB.
    const sha512 = options.integrity ? createHash('sha512') : undefined;
    const sha256 = linkedSha256 ? createHash('sha256') : undefined;
    const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => {
      sha512?.update(chunk);
      sha256?.update(chunk);
      receivedBytes += chunk.length;
      options.onProgress?.(receivedBytes, totalBytes);
    });
    try {
      await pipeline(body, createWriteStream(file), { signal: options.signal });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new DownloadFailed(`${url}: ${(error as Error).message}`);
    }
    if (sha512 && options.integrity !== `sha512-${sha512.digest('base64')}`) {
      throw new DownloadFailed(`${url}: the download does not match its published integrity ${options.integrity}`);
    }
    if (sha256 && linkedSha256 !== sha256.digest('hex')) {
      throw new DownloadFailed(
        `${url}: the download does not match the SHA-256 the server announced (${linkedSha256})`,
      );
    }
    return;
  }
}

/** GETs JSON (a registry's package document), with a clear error for anything but a 2xx JSON answer. */
export async function fetchJson(url: string, signal?: AbortSignal): Promise<unknown> {
  const response = await fetchOrFail(url, signal, 'follow');
  if (!response.ok) {
    await response.body?.cancel();
    throw new DownloadFailed(`${url}: HTTP ${response.status} ${response.statusText}`.trim());
  }
  try {
    return await response.json();
  } catch {
    throw new DownloadFailed(`${url}: the answer is not JSON`);
  }
}

async function fetchOrFail(
  url: string,
  signal: AbortSignal | undefined,
  redirect: 'manual' | 'follow' = 'manual',
): Promise<Response> {
  try {
    return await fetch(url, { signal, redirect });
  } catch (error) {
    if (signal?.aborted) throw error;
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    throw new DownloadFailed(`${url}: ${cause ?? (error as Error).message}`);
  }
}

function announcedSha256(headers: Headers): string | undefined {
  const value = headers.get('x-linked-etag')?.replaceAll('"', '').toLowerCase();
  return value && /^[0-9a-f]{64}$/.test(value) ? value : undefined;
}
