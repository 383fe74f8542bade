import { readIfPresent, readJsonConfig, writeJsonConfig } from './configFile';
import { applyEnv, revertEnv, type EnvChange } from './envChanges';

type Settings = Record<string, unknown> & { env?: Record<string, string> };

/** Sets `env` entries in Claude Code's settings.json, keeping a backup of the file as it was. */
export function routeClaudeSettings(
  file: string,
  env: Readonly<Record<string, string>>,
  earlier: readonly EnvChange[] = [],
): EnvChange[] {
  const settings = readJsonConfig<Settings>(file, 'env');
  const { next, changes } = applyEnv(settings.env ?? {}, env, earlier);
  writeJsonConfig(file, { ...settings, env: next });
  return changes;
}

/** Restores the entries routing set; the rest of the file is not touched. */
export function unrouteClaudeSettings(file: string, changes: readonly EnvChange[]): { kept: string[] } {
  if (readIfPresent(file) === undefined) return { kept: [] };
  const settings = readJsonConfig<Settings>(file, 'env');
  const { next, kept } = revertEnv(settings.env ?? {}, changes);
  const { env: _env, ...rest } = settings;
  writeJsonConfig(file, Object.keys(next).length ? { ...rest, env: next } : rest);
  return { kept };
}
