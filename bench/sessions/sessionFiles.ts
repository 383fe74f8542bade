import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createBrotliDecompress } from 'node:zlib';

type Json = Record<string, unknown>;

/** One recorded session in the format of ../shared/sessions (its README): requests, answers, timing. */
export interface Session {
  id: string;
  agent: string;
  model: string;
  requestsFile: string;
  /** When each answer was recorded (ms), per request; undefined where the recording has no time. */
  answeredAt: Array<number | undefined>;
  /** The content of the answer to the last request (the others are in the next request). */
  lastAnswer: Json[];
}

export function readSessions(folder: string): Session[] {
  const metas = readdirSync(folder)
    .filter((name) => name.endsWith('.meta.json'))
    .sort();
  if (metas.length === 0)
    throw new Error(`${folder} holds no <id>.meta.json sessions (see ../shared/sessions/README.md for the format).`);
  return metas.map((name) => {
    const meta = JSON.parse(readFileSync(join(folder, name), 'utf8')) as Json;
    const requestsFile = join(
      folder,
      String(meta.requests_file ?? name.replace(/\.meta\.json$/, '.requests.jsonl.br')),
    );
    if (!existsSync(requestsFile)) throw new Error(`${requestsFile}, named by ${name}, is missing.`);
    const answers = Array.isArray(meta.answers) ? (meta.answers as Json[]) : [];
    return {
      id: String(meta.id ?? name.replace(/\.meta\.json$/, '')),
      agent: String(meta.agent ?? 'unknown'),
      model: String(meta.request_model ?? ''),
      requestsFile,
      answeredAt: answers.map((a) => timestamp(a.ts)),
      lastAnswer: Array.isArray(meta.last_answer)
        ? (meta.last_answer as Json[])
        : [{ type: 'text', text: String(meta.last_answer ?? 'Done.') }],
    };
  });
}

/** Recorded times without a zone (OpenHands) are taken as UTC. */
function timestamp(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The request bodies of a session, one at a time (the largest files expand to tens of MB). */
export async function* requestLines(session: Session): AsyncGenerator<string> {
  const lines = createInterface({
    input: createReadStream(session.requestsFile).pipe(createBrotliDecompress()),
    crlfDelay: Infinity,
  });
  for await (const line of lines) if (line.trim()) yield line;
}
