// Extension activation in the real VS Code workbench (code-server + chromium): the packaged
// .vsix is installed into a fresh extensions dir, the window is loaded RUNS times, and each
// load's own figures are read from the Headroom log: bundle evaluation + activate() (what
// VS Code counts as activation), and how long the forked proxy took to listen.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, openWorkbench, VSIX } from '../test/helpers/workbench';
import { BenchmarkReport } from './benchmarkReport';

const RUNS = Number(process.env.RUNS ?? 8);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function main(): Promise<void> {
  const report = new BenchmarkReport('npm run bench:activation', 'Extension activation');
  const dir = mkdtempSync(join(tmpdir(), 'headroom-bench-'));
  // No embedding download: this measures activation alone.
  const workbench = await openWorkbench(dir, {
    'headroom.port': await freePort(),
    'headroom.storePath': join(dir, 'store.sqlite'),
    'headroom.embeddings.enabled': false,
  });
  let log = '';
  const activations = () => [
    ...(log = workbench.headroomLog()).matchAll(
      /Activated in ([\d.]+) ms \(bundle evaluation ([\d.]+) ms, activate\(\) ([\d.]+) ms\)/g,
    ),
  ];
  const readiness = () => [...log.matchAll(/ready (\d+) ms after the fork/g)];
  try {
    for (let run = 1; run <= RUNS; run++) {
      const deadline = Date.now() + 60_000;
      while (activations().length < run || readiness().length < run) {
        if (Date.now() > deadline) throw new Error(`load ${run}: no activation logged within 60 s`);
        await new Promise((done) => setTimeout(done, 100));
      }
      if (run < RUNS) await workbench.page.reload();
    }
  } finally {
    await workbench.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const loads = [
    ...log.matchAll(/Activated in ([\d.]+) ms \(bundle evaluation ([\d.]+) ms, activate\(\) ([\d.]+) ms\)/g),
  ];
  const total = loads.map((m) => Number(m[1]));
  const bundle = loads.map((m) => Number(m[2]));
  const activate = loads.map((m) => Number(m[3]));
  const proxy = readiness().map((m) => Number(m[1]));
  const row = (name: string, values: number[]) =>
    `| ${name} | ${percentile(values, 0.5).toFixed(1)} | ${percentile(values, 0.9).toFixed(1)} | ${Math.max(...values).toFixed(1)} |`;
  report.line(`Extension activation in code-server, ${RUNS} window loads (ms)\n`);
  report.line('| measure | median | p90 | max |\n|---|---|---|---|');
  report.line(row('activation (bundle evaluation + activate())', total));
  report.line(row('  bundle evaluation', bundle));
  report.line(row('  activate()', activate));
  report.line(row('proxy process ready after fork (off the extension host)', proxy));
  report.line(`\n.vsix size: ${(statSync(VSIX).size / 1024 / 1024).toFixed(2)} MB`);
  report.publish();
}

void main();
