import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isRecord } from '../shared/isRecord';
import { LineSplitter } from '../shared/lineSplitter';

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
 * A transcript line longer than this (a tool output of hundreds of megabytes) is skipped
 * unread: it could not be one string, and no correction is learned from output that size.
 */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/**
 * The JSON records of a transcript, read line by line so a file of any size is streamed.
 * A line that is not JSON (a truncated last line, a stray write) or is too long is counted and skipped.
 */
export async function* transcriptRecords(
  file: string,
  skipped: { lines: number },
): AsyncGenerator<Record<string, unknown>> {
  for await (const line of boundedLines(file, () => skipped.lines++)) {
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
}

/** The file's lines, those over MAX_LINE_BYTES dropped as they stream past (`onOverlong` told of each). */
async function* boundedLines(file: string, onOverlong: () => void): AsyncGenerator<string> {
  const input = createReadStream(file);
  const splitter = new LineSplitter(MAX_LINE_BYTES);
  const decoded = (line: Buffer) => line.toString('utf8').replace(/\r$/, '');
  try {
    for await (const chunk of input as AsyncIterable<Buffer>)
      for (const line of splitter.push(chunk)) {
        if (line === 'overlong') onOverlong();
        else yield decoded(line);
      }
    for (const line of splitter.end()) yield decoded(line);
  } finally {
    // A reader that stops early (another project's rollout) closes the file too.
    input.destroy();
  }
}
