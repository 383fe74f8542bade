// Runs the compiled tests under out/test with node's built-in runner, in one run so one summary
// counts them all. Listing the files here keeps the command the same on Node versions with and
// without --test globs.
//   node scripts/runTests.mjs [--unit | --e2e] [part-of-a-path ...]
// End-to-end tests (*.e2e.test.ts) drive real clients (VS Code through code-server, the Claude
// Code CLI) that scripts/e2eTools.mjs installs; unit tests need nothing beyond `npm ci` and a build.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.js') ? [path] : [];
  });
}

const args = process.argv.slice(2);
const suite = args.includes('--unit') ? 'unit' : args.includes('--e2e') ? 'e2e' : 'all';
const filter = args.filter((arg) => !arg.startsWith('--'));
const isE2e = (file) => file.endsWith('.e2e.test.js');
const files = testFiles('out/test')
  .filter((f) => suite === 'all' || (suite === 'e2e') === isE2e(f))
  .filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)))
  .sort();
// Headroom's data directory for the run: whatever the machine's own holds (a store, a fetched
// embedding model the CLI would pick up) neither changes a result nor is touched.
const home = mkdtempSync(join(tmpdir(), 'headroom-home-'));
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  env: { ...process.env, HEADROOM_HOME: home },
});
rmSync(home, { recursive: true, force: true });
process.exit(result.status ?? 1);
