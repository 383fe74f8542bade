import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { API_TOKEN_HEADER } from '../../src/proxy/apiToken';

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body as it arrived, chunk by chunk. */
  chunks: Buffer[];
}

/** A plain node:http client, so tests control every header (Host included) and see raw bytes. */
export function httpRequest(
  url: string,
  options: {
    method?: string;
    headers?: OutgoingHttpHeaders;
    body?: Buffer | string;
    /** The request target exactly as sent (a URL string would have its dot segments resolved). */
    path?: string;
  } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? (options.body ? 'POST' : 'GET'),
        headers: options.headers,
        ...(options.path ? { path: options.path } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), chunks }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The header that carries a proxy's loopback API secret. */
export const apiTokenHeader = (proxy: { apiToken: string }): Record<string, string> => ({
  [API_TOKEN_HEADER]: proxy.apiToken,
});
