import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { it } from 'node:test';
import { REPO_ROOT } from '../helpers/corpora';

it('docs/cli.md is what the built CLI says about itself (node scripts/cliReference.mjs rewrites it)', () => {
  const result = spawnSync(process.execPath, ['scripts/cliReference.mjs', '--check'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
});
