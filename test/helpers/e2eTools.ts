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
  /** The Codex CLI's launcher (a Node script that runs its native binary). */
  codexBin: string;
  /** The Gemini CLI's bundle, run with nodeBin. */
  geminiBin: string;
  /** node_modules holding the OpenAI, Anthropic and Google Gen AI SDKs. */
  sdkModules: string;
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
  if (!tools.claudeBin || !tools.codexBin || !tools.geminiBin || !tools.sdkModules)
    throw new Error('.e2e-tools predates some of the clients: run `node scripts/e2eTools.mjs` again.');
  return tools;
}
