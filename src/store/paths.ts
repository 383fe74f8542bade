import { homedir } from 'node:os';
import { join } from 'node:path';

/** The per-user data directory: XDG on Linux, Application Support on macOS, LOCALAPPDATA on Windows. */
export function dataDirectory(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.HEADROOM_HOME) return env.HEADROOM_HOME;
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'headroom');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'headroom');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'headroom');
}

export function defaultStorePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.HEADROOM_STORE ?? join(dataDirectory(env), 'store.sqlite');
}

/** Where `headroom embeddings fetch` puts the embedding model and its ONNX runtime. */
export function defaultEmbeddingsDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDirectory(env), 'embeddings');
}

/** The tokens a team proxy accepts (`headroom tokens`). */
export function defaultTokensPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.HEADROOM_TOKENS ?? join(dataDirectory(env), 'tokens.json');
}

/** A store location that names a PostgreSQL server (a team's store) instead of a file. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** A PostgreSQL URL with its password hidden, as messages show it: a password is never logged. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(a URL that does not parse)';
  }
}
