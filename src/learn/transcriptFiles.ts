import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { isRecord } from '../shared/isRecord';

/** Claude Code names a project's transcript folder after its path, every character but letters and digits made "-". */
export function claudeProjectFolder(workspace: string): string {
  return workspace.replace(/[^a-zA-Z0-9]/g, '-');
}

/** Every `.jsonl` below `dir` (subagent transcripts sit in subfolders), sorted for a stable order. */
export function jsonlFiles(dir: string, name: RegExp = /\.jsonl$/): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && name.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/**
 * The JSON records of a transcript, read line by line so a file of any size is streamed.
 * A line that is not JSON (a truncated last line, a stray write) is counted and skipped.
 */
export async function* transcriptRecords(
  file: string,
  skipped: { lines: number },
): AsyncGenerator<Record<string, unknown>> {
  const input = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (!line.trim()) continue;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        skipped.lines++;
        continue;
      }
      if (isRecord(record)) yield record as Record<string, unknown>;
      else skipped.lines++;
    }
  } finally {
    // A reader that stops early (another project's rollout) closes the file too.
    lines.close();
    input.destroy();
  }
}
