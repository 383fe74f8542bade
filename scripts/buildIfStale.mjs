// Builds (npm run build) only when a source, test, bench, script or the manifest changed since
// the last complete build, so the inner loop, `npm start` and the benches reuse a fresh build.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const STAMP = join('out', '.build-stamp');
const INPUTS = [
  'src',
  'test',
  'bench',
  'eval',
  'webview-ui',
  'scripts',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
];

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce(
    (latest, name) => (name === 'node_modules' ? latest : Math.max(latest, newest(join(path, name)))),
    stat.mtimeMs,
  );
}

const built = existsSync(STAMP) && existsSync('dist') ? statSync(STAMP).mtimeMs : 0;
const changed = INPUTS.filter((input) => existsSync(input) && newest(input) > built);
if (changed.length === 0) {
  console.log('build: up to date');
  process.exit(0);
}
console.log(
  `build: ${built ? `changed since the last build: ${changed.join(', ')}` : 'no complete build yet'}; building (types, bundles)…`,
);
const started = Date.now();
const result = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'build'], {
  stdio: 'inherit',
});
if (result.status !== 0) process.exit(result.status ?? 1);
// Stamped with the start time, so a file saved while the build ran counts as changed next time.
writeFileSync(STAMP, '');
utimesSync(STAMP, started / 1000, started / 1000);
console.log(`build: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
