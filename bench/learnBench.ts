/**
 * `npm run bench:learn`: `headroom learn` on a 50 MB and a 200 MB Claude Code transcript (written here in
 * Claude Code's record format: 40,000 tool calls with build-log outputs, one in 50 a failure
 * followed by its fix, a few 1 MB outputs). Prints the time, the throughput and the peak
 * RSS of a process that does nothing else, to show memory stays bounded.
 */
import { fork } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { planLearn } from '../src/learn/learn';
import { claudeProjectFolder } from '../src/learn/transcriptFiles';
import { BenchmarkReport } from './benchmarkReport';

/** Two sizes: peak memory that stays put while the transcript grows fourfold is what bounded means. */
const SIZES_MB = [50, 200];

async function writeTranscript(
  file: string,
  workspace: string,
  targetBytes: number,
): Promise<{ calls: number; bytes: number }> {
  const out = createWriteStream(file);
  const line = async (record: unknown) => {
    if (!out.write(`${JSON.stringify(record)}\n`)) await once(out, 'drain');
  };
  const base = {
    sessionId: 'bench-session',
    cwd: workspace,
    version: '2.1.0',
    isSidechain: false,
    userType: 'external',
  };
  const buildLog = (i: number, lines: number) =>
    Array.from({ length: lines }, (_, n) => `[${i}:${n}] compiled src/module${n % 97}.ts in ${(n * 7) % 113} ms`).join(
      '\n',
    );
  let bytes = 0;
  let calls = 0;
  for (let i = 0; bytes < targetBytes; i++) {
    const failing = i % 50 === 0;
    const command = failing ? 'npm run tests' : i % 50 === 1 ? 'npm test' : `npm run build -- --filter pkg${i % 40}`;
    const output = failing
      ? 'Exit code 1\nnpm error Missing script: "tests"'
      : buildLog(i, i % 997 === 0 ? 20_000 : 100);
    const id = `toolu_${i}`;
    const records = [
      {
        ...base,
        type: 'assistant',
        timestamp: new Date(1_700_000_000_000 + i * 1000).toISOString(),
        message: { role: 'assistant', content: [{ type: 'tool_use', id, name: 'Bash', input: { command } }] },
      },
      {
        ...base,
        type: 'user',
        timestamp: new Date(1_700_000_000_500 + i * 1000).toISOString(),
        message: {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: id, content: output, is_error: failing }],
        },
        toolUseResult: failing ? `Error: ${output}` : { stdout: output, stderr: '' },
      },
    ];
    for (const record of records) await line(record);
    bytes += output.length * 2 + 600;
    calls++;
  }
  out.end();
  await once(out, 'finish');
  return { calls, bytes: statSync(file).size };
}

async function measure(workspace: string, claudeDir: string): Promise<void> {
  const started = performance.now();
  const report = await planLearn({ workspace, agent: 'claude', claudeDir, codexDir: join(claudeDir, 'no-codex') });
  const ms = performance.now() - started;
  process.send?.({
    ms,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    calls: report.calls,
    failures: report.failures,
    findings: report.findings.map((f) => `${f.occurrences}× ${f.text}`),
  });
}

async function main(): Promise<void> {
  const report = new BenchmarkReport('npm run bench:learn', 'learn');
  report.line(
    '| transcript | tool calls | time | throughput | peak RSS | failures | findings |\n|---|---|---|---|---|---|---|',
  );
  for (const mb of SIZES_MB) {
    const dir = mkdtempSync(join(tmpdir(), 'headroom-learn-bench-'));
    try {
      const workspace = join(dir, 'workspace');
      const claudeDir = join(dir, 'claude');
      const folder = join(claudeDir, 'projects', claudeProjectFolder(workspace));
      mkdirSync(folder, { recursive: true });
      const { calls, bytes } = await writeTranscript(join(folder, 'bench-session.jsonl'), workspace, mb * 1024 * 1024);
      const child = fork(__filename, ['measure', workspace, claudeDir]);
      const [result] = (await once(child, 'message')) as [
        { ms: number; maxRssMb: number; calls: number; failures: number; findings: string[] },
      ];
      await once(child, 'exit');
      const size = bytes / 1024 / 1024;
      report.line(
        `| ${size.toFixed(0)} MB | ${calls} | ${(result.ms / 1000).toFixed(1)} s | ${(size / (result.ms / 1000)).toFixed(0)} MB/s | ${result.maxRssMb.toFixed(0)} MB | ${result.failures} | ${result.findings.join('; ')} |`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  report.publish();
}

if (process.argv[2] === 'measure') void measure(process.argv[3], process.argv[4]);
else void main();
