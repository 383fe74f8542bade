import { basename, join, resolve } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { ClaudeTranscript } from './claudeTranscript';
import { CodexTranscript } from './codexTranscript';
import { FindingCollector, type Finding } from './corrections';
import { instructionsFile } from './instructionsFile';
import { mergeLearnBlock } from './learnBlock';
import { refineLines, type Refiner } from './refine';
import type { ToolCall } from './toolCall';
import { claudeProjectFolder, jsonlFiles, transcriptRecords } from './transcriptFiles';

export type LearnAgent = 'claude' | 'codex' | 'all';

export interface LearnOptions {
  workspace: string;
  agent: LearnAgent;
  /** Claude Code's home (default ~/.claude), holding `projects/`. */
  claudeDir: string;
  /** Codex's home (default ~/.codex), holding `sessions/`. */
  codexDir: string;
  /** Every project's transcripts, not only the workspace's. */
  allProjects?: boolean;
  /** Write CLAUDE.local.md / AGENTS.local.md, which are not meant to be committed. */
  local?: boolean;
  /** Rewords the corrections (a language model); without it, or when it fails, the deterministic lines stand. */
  refine?: Refiner;
  /** Told why a refinement was not used. */
  onWarning?: (message: string) => void;
}

export interface FileChange {
  file: string;
  before: string | undefined;
  after: string;
  /** A unified diff of the change; empty when the file would not change. */
  diff: string;
  repaired?: string;
  /** Why learn will not touch this file (a symbolic link out of the workspace, not a regular file). */
  refused?: string;
}

export interface LearnReport {
  transcripts: number;
  calls: number;
  /** Failed tool calls, with a correction or not. */
  failures: number;
  /** Transcript lines that were not JSON records, skipped. */
  skippedLines: number;
  findings: Finding[];
  changes: FileChange[];
}

/** Reads the transcripts and proposes the change to each instructions file; writes nothing. */
export async function planLearn(options: LearnOptions): Promise<LearnReport> {
  const workspace = resolve(options.workspace);
  const skipped = { lines: 0 };
  const collector = new FindingCollector(workspace);
  let calls = 0;
  let transcripts = 0;
  const take = (call: ToolCall) => {
    calls++;
    collector.add(call);
  };
  if (options.agent !== 'codex') {
    const projects = join(options.claudeDir, 'projects');
    for (const file of jsonlFiles(options.allProjects ? projects : join(projects, claudeProjectFolder(workspace)))) {
      transcripts++;
      const reader = new ClaudeTranscript(file);
      for await (const record of transcriptRecords(file, skipped)) reader.read(record).forEach(take);
    }
  }
  if (options.agent !== 'claude') {
    for (const file of jsonlFiles(join(options.codexDir, 'sessions'), /^rollout-.*\.jsonl$/)) {
      const reader = new CodexTranscript(basename(file, '.jsonl'));
      // session_meta comes first and names the directory; another project's rollout is left at that point.
      const belongs = () =>
        options.allProjects === true || (reader.cwd !== undefined && resolve(reader.cwd) === workspace);
      for await (const record of transcriptRecords(file, skipped)) {
        const found = reader.read(record);
        if ((record.type === 'session_meta' || found.length > 0) && !belongs()) break;
        found.forEach(take);
      }
      if (belongs()) transcripts++;
    }
  }
  const findings = await refined(collector.findings(), options);
  const suffix = options.local ? '.local.md' : '.md';
  const targets = [
    ...(options.agent !== 'codex' ? [`CLAUDE${suffix}`] : []),
    ...(options.agent !== 'claude' ? [`AGENTS${suffix}`] : []),
  ];
  const changes = findings.length === 0 ? [] : targets.map((name) => plannedChange(workspace, name, findings));
  return { transcripts, calls, failures: collector.failures, skippedLines: skipped.lines, findings, changes };
}

async function refined(findings: Finding[], options: LearnOptions): Promise<Finding[]> {
  if (!options.refine || findings.length === 0) return findings;
  try {
    const lines = await refineLines(
      findings.map((finding) => finding.text),
      options.refine,
    );
    return findings.map((finding, i) => ({ ...finding, text: lines[i] }));
  } catch (error) {
    options.onWarning?.(
      `learn: the language model's rewording was not used (${(error as Error).message}); the corrections are as found.`,
    );
    return findings;
  }
}

/** The change to `name` in the workspace; its diff names the file as the workspace sees it. */
function plannedChange(workspace: string, name: string, findings: readonly Finding[]): FileChange {
  const target = instructionsFile(workspace, name);
  if ('refused' in target)
    return { file: target.file, before: undefined, after: '', diff: '', refused: target.refused };
  const { file, before } = target;
  const { text: after, repaired } = mergeLearnBlock(
    before,
    findings.map((finding) => finding.text),
  );
  const diff =
    before === after
      ? ''
      : createTwoFilesPatch(
          name,
          name,
          before ?? '',
          after,
          before === undefined ? '(new file)' : undefined,
          undefined,
          { context: 2 },
        );
  return { file, before, after, diff, repaired };
}
