import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './corpora';

/** The real clients scripts/e2eTools.mjs installed into .e2e-tools/. */
export interface E2eTools {
  /** Node 24, which code-server needs. */
  nodeBin: string;
  codeServerBin: string;
  /** The Claude Code CLI's native binary. */
  claudeBin: string;
}

let tools: E2eTools | undefined;

export function e2eTools(): E2eTools {
  if (tools) return tools;
  try {
    tools = JSON.parse(readFileSync(join(REPO_ROOT, '.e2e-tools', 'tools.json'), 'utf8')) as E2eTools;
  } catch {
    throw new Error(
      'The end-to-end tools are not installed: run `node scripts/e2eTools.mjs` (`npm test` and `npm run test:e2e` do it first).',
    );
  }
  if (!tools.claudeBin)
    throw new Error('.e2e-tools predates the Claude Code CLI: run `node scripts/e2eTools.mjs` again.');
  return tools;
}
