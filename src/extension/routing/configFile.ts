import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isRecord } from '../../shared/isRecord';
import { writeFileAtomicSync } from '../../store/atomicWrite';

/** Where the file's content from just before Headroom's last write is kept. */
export function backupPath(file: string): string {
  return `${file}.headroom-backup`;
}

export function readIfPresent(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** Replaces an agent's config file atomically, after copying what was there to the backup. */
export function writeWithBackup(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  if (existsSync(file)) copyFileSync(file, backupPath(file));
  writeFileAtomicSync(file, text);
}

/**
 * A JSON configuration file as an object ({} when absent or empty). Anything unexpected (not
 * JSON, not an object, `objectKey` present but not an object) throws, and the file is left as it is.
 */
export function readJsonConfig<T extends Record<string, unknown>>(file: string, objectKey: string): T {
  const text = readIfPresent(file);
  if (!text?.trim()) return {} as T;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message}); Headroom left it unchanged.`, {
      cause: error,
    });
  }
  if (!isRecord(parsed)) throw new Error(`${file} does not hold a JSON object; Headroom left it unchanged.`);
  if (parsed[objectKey] !== undefined && !isRecord(parsed[objectKey]))
    throw new Error(`"${objectKey}" in ${file} is not an object; Headroom left the file unchanged.`);
  return parsed as T;
}

export function writeJsonConfig(file: string, value: unknown): void {
  writeWithBackup(file, `${JSON.stringify(value, null, 2)}\n`);
}
