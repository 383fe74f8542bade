import * as z from 'zod/mini';

/**
 * What passes between a supervisor (the extension) and the `headroom proxy` it forks: exit
 * statuses, and messages over the fork's private IPC channel, which nothing reachable from
 * the network can write to. Both sides read them through these schemas.
 */

/** Exit statuses a supervisor acts on (2 is a usage error, 1 anything else). */
export const EXIT_PORT_IN_USE = 3;
export const EXIT_STORE_LOCKED = 4;

const embeddingSettings = z.object({
  modelDir: z.string(),
  runtimeDir: z.optional(z.string()),
  weight: z.optional(z.number()),
  budgetMs: z.optional(z.number()),
});

/**
 * Supervisor to proxy. `useEmbeddings` loads a model beside the running proxy; `bm25Only`
 * says why there is none, for the stats and the panel.
 */
const controlMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('useEmbeddings'), embeddings: embeddingSettings }),
  z.object({ type: z.literal('bm25Only'), reason: z.string() }),
]);
export type ProxyControlMessage = z.infer<typeof controlMessage>;

/** Proxy to supervisor, once: it listens at `url`, holds the store, and answers its API to `apiToken`. */
const readyMessage = z.object({ type: z.literal('ready'), url: z.string(), port: z.number(), apiToken: z.string() });
export type ProxyReadyMessage = z.infer<typeof readyMessage>;

export function parseControlMessage(message: unknown): ProxyControlMessage | undefined {
  const parsed = controlMessage.safeParse(message);
  return parsed.success ? parsed.data : undefined;
}

export function parseReadyMessage(message: unknown): ProxyReadyMessage | undefined {
  const parsed = readyMessage.safeParse(message);
  return parsed.success ? parsed.data : undefined;
}
