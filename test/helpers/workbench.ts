import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { e2eTools } from './e2eTools';

export const REPO = resolve(__dirname, '..', '..', '..');
export const VSIX = join(REPO, 'headroom.vsix');
export const ARTIFACTS = join(REPO, 'test-artifacts', 'e2e');

export interface Workbench {
  page: Page;
  /** The environment code-server and its extension host run with. */
  env: NodeJS.ProcessEnv;
  userDataDir: string;
  /** The Headroom log the extension wrote in this workbench. */
  headroomLog(): string;
  screenshot(name: string): Promise<void>;
  /** Runs a command from the palette by its exact title. */
  runCommand(title: string): Promise<void>;
  /** Filters the open quick pick by `label` and picks the entry with exactly that label. */
  pick(label: string): Promise<void>;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/**
 * The real VS Code workbench (code-server) with the packaged .vsix installed into a fresh
 * extensions directory, opened in Debian's chromium by playwright.
 */
export async function openWorkbench(dir: string, settings: Record<string, unknown>): Promise<Workbench> {
  const { nodeBin, codeServerBin, claudeBin } = e2eTools();
  const userDataDir = join(dir, 'user-data');
  const extensionsDir = join(dir, 'extensions');
  const workspace = join(dir, 'workspace');
  for (const path of [join(userDataDir, 'User'), extensionsDir, workspace]) mkdirSync(path, { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'chat.disableAIFeatures': true,
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      ...settings,
    }),
  );
  // The test runner's own variables (NODE_TEST_CONTEXT) would make code-server's extension host act as a test child.
  // The claude CLI the e2e tools installed sits where Claude Code's native installer puts it, in
  // this HOME, which also holds its configuration; quiet, without update checks.
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NODE_TEST'))),
    HOME: dir,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
  };
  mkdirSync(join(dir, '.local', 'bin'), { recursive: true });
  symlinkSync(claudeBin, join(dir, '.local', 'bin', 'claude'));
  const codeServer = (args: string[]) => [
    codeServerBin,
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    ...args,
  ];
  const install = spawnSync(nodeBin, codeServer(['--install-extension', VSIX]), { encoding: 'utf8', env });
  if (install.status !== 0 || !/successfully installed/.test(install.stdout))
    throw new Error(`installing ${VSIX} failed: ${install.stdout}${install.stderr}`);

  const port = await freePort();
  const server = spawn(
    nodeBin,
    codeServer(['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-workspace-trust', workspace]),
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  await listening(server);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  await page.waitForSelector('.statusbar', { timeout: 60_000 });
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    page,
    env,
    userDataDir,
    headroomLog: () => findHeadroomLog(userDataDir),
    screenshot: async (name) => {
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
    },
    runCommand: async (title) => {
      try {
        // A panel that reveals itself (an output channel a server start opens) closes a palette
        // opened a moment before: open it again rather than wait on a closed one.
        for (let attempt = 1; ; attempt++) {
          try {
            // The main frame gets the key even when a webview has focus.
            await page.locator('.statusbar').click({ position: { x: 500, y: 5 } });
            await page.keyboard.press('F1');
            await page.locator('.quick-input-widget input').fill(`>${title}`, { timeout: 10_000 });
            break;
          } catch (error) {
            if (attempt === 3) throw error;
          }
        }
        await pickExactly(page, title);
      } catch (error) {
        // What was on screen (a dialog, a notification) is the first thing to know when this fails.
        await page.screenshot({ path: join(ARTIFACTS, `failed-command-${title.replace(/\W+/g, '-')}.png`) });
        throw error;
      }
    },
    pick: async (label) => {
      await page.locator('.quick-input-widget input').fill(label);
      await pickExactly(page, label);
    },
    close: () => closeAll(browser, server),
  };
}

/** Clicks the entry whose label is `label`: a row may go on with a key binding or "recently used", but not with more words. */
async function pickExactly(page: Page, label: string): Promise<void> {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ hasText: new RegExp(`^${escaped}(?! \\w)`) })
    .first()
    .click({ timeout: 30_000 });
}

async function listening(server: ChildProcess): Promise<void> {
  let output = '';
  await new Promise<void>((resolveListening, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start within 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/HTTP server listening on/.test(output)) {
        clearTimeout(timer);
        resolveListening();
      }
    };
    server.stdout?.on('data', onData);
    server.stderr?.on('data', onData);
    server.once('exit', (code) => reject(new Error(`code-server exited (${code}):\n${output}`)));
  });
}

async function closeAll(browser: Browser, server: ChildProcess): Promise<void> {
  await browser.close();
  const exited = new Promise((done) => server.once('exit', done));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function findHeadroomLog(userDataDir: string): string {
  const found = spawnSync('find', [join(userDataDir, 'logs'), '-name', '*Headroom.log'], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')
    .filter(Boolean);
  return found.map((file) => readFileSync(file, 'utf8')).join('\n');
}
