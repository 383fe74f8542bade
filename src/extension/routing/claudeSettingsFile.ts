import { readIfPresent, writeWithBackup } from './configFile';
import { applyEnv, revertEnv, type EnvChange } from './envChanges';

type Settings = Record<string, unknown> & { env?: Record<string, string> };

/** Sets `env` entries in Claude Code's settings.json, keeping a backup of the file as it was. */
export function routeClaudeSettings(file: string, env: Readonly<Record<string, string>>, earlier: readonly EnvChange[] = []): EnvChange[] {
  const settings = readSettings(file);
  const { next, changes } = applyEnv(settings.env ?? {}, env, earlier);
  writeSettings(file, { ...settings, env: next });
  return changes;
}

/** Restores the entries routing set; the rest of the file is not touched. */
export function unrouteClaudeSettings(file: string, changes: readonly EnvChange[]): { kept: string[] } {
  if (readIfPresent(file) === undefined) return { kept: [] };
  const settings = readSettings(file);
  const { next, kept } = revertEnv(settings.env ?? {}, changes);
  const { env: _env, ...rest } = settings;
  writeSettings(file, Object.keys(next).length ? { ...rest, env: next } : rest);
  return { kept };
}

function readSettings(file: string): Settings {
  const text = readIfPresent(file);
  if (!text?.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message}); Headroom left it unchanged.`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${file} does not hold a JSON object; Headroom left it unchanged.`);
  const env = (parsed as Settings).env;
  if (env !== undefined && (typeof env !== 'object' || env === null || Array.isArray(env))) throw new Error(`"env" in ${file} is not an object; Headroom left the file unchanged.`);
  return parsed as Settings;
}

function writeSettings(file: string, settings: Settings): void {
  writeWithBackup(file, `${JSON.stringify(settings, null, 2)}\n`);
}
