import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import * as vscode from 'vscode';
import {
  addToMcpJson,
  MCP_SERVER_NAME,
  mcpJsonEntry,
  removeFromMcpJson,
  type McpJsonChange,
} from '../routing/mcpJsonFile';
import type { McpCommandLine } from './mcpLauncher';

/** What "Add MCP Server to Claude Code" changed, so the removal undoes exactly that. */
interface McpLedger {
  project?: { file: string; change: McpJsonChange };
  user?: boolean;
}

type Scope = 'project' | 'user';

const LEDGER_KEY = 'headroom.mcp';

/** Registers Headroom's MCP server with Claude Code: in a project's .mcp.json, or for the user through `claude mcp add`. */
export class ClaudeCodeMcp {
  constructor(
    private readonly state: vscode.Memento,
    private readonly log: (line: string) => void,
    private readonly commandLine: () => McpCommandLine,
  ) {}

  async add(): Promise<void> {
    const claude = findClaude();
    const projectFile = this.projectFile();
    const choices: Array<vscode.QuickPickItem & { scope: Scope }> = [];
    if (projectFile)
      choices.push({
        scope: 'project',
        label: 'This project',
        detail: `Adds "${MCP_SERVER_NAME}" to ${projectFile} (backup kept); Claude Code asks you to approve it on first use`,
      });
    choices.push({
      scope: 'user',
      label: 'All your projects',
      detail: claude
        ? `Runs: claude mcp add --scope user ${MCP_SERVER_NAME} …`
        : 'Needs the claude CLI, which is not on PATH',
    });
    const picked = await vscode.window.showQuickPick(choices, {
      title: "Add Headroom's MCP server to Claude Code",
      placeHolder: 'Headroom changes only what you pick; "Headroom: Remove MCP Server from Claude Code" undoes it',
    });
    if (!picked) return;
    const ledger = this.ledger();
    const commandLine = this.commandLine();
    try {
      if (picked.scope === 'project' && projectFile) {
        const change = addToMcpJson(projectFile, mcpJsonEntry(commandLine));
        // Added again (a new store, a new VS Code): the undo still restores what was there before the first time.
        const first = ledger.project?.file === projectFile ? ledger.project.change : change;
        ledger.project = { file: projectFile, change: { ...change, previous: first.previous, created: first.created } };
      } else {
        if (!claude)
          throw new Error(
            'the claude CLI is not on PATH. Install Claude Code (npm install -g @anthropic-ai/claude-code), or add the server to this project instead.',
          );
        if (ledger.user)
          await run(claude, ['mcp', 'remove', '--scope', 'user', MCP_SERVER_NAME]).catch(() => undefined);
        const env = Object.entries(commandLine.env).flatMap(([name, value]) => ['-e', `${name}=${value}`]);
        // The name goes before -e, whose values are variadic and would take it.
        await run(claude, [
          'mcp',
          'add',
          '--scope',
          'user',
          MCP_SERVER_NAME,
          ...env,
          '--',
          commandLine.command,
          ...commandLine.args,
        ]);
        ledger.user = true;
      }
    } catch (error) {
      void vscode.window.showErrorMessage(
        `Headroom could not add its MCP server to Claude Code: ${(error as Error).message}`,
      );
      return;
    }
    await this.state.update(LEDGER_KEY, ledger);
    const where = picked.scope === 'project' ? projectFile : 'your Claude Code user configuration';
    this.log(
      `Added the MCP server "${MCP_SERVER_NAME}" to ${where}: ${commandLine.command} ${commandLine.args.join(' ')}`,
    );
    void vscode.window.showInformationMessage(
      `Headroom's MCP server is in ${where}. Claude Code sees headroom_compress, headroom_retrieve and headroom_stats in its next session.`,
    );
  }

  async remove(): Promise<void> {
    const ledger = this.ledger();
    if (!ledger.project && !ledger.user) {
      void vscode.window.showInformationMessage(
        'Headroom has not added its MCP server to Claude Code, so there is nothing to remove.',
      );
      return;
    }
    const notes: string[] = [];
    if (ledger.project) {
      const { kept } = removeFromMcpJson(ledger.project.file, ledger.project.change);
      notes.push(
        kept
          ? `left "${MCP_SERVER_NAME}" in ${ledger.project.file}, since it changed after Headroom wrote it`
          : `removed it from ${ledger.project.file}`,
      );
    }
    if (ledger.user) {
      const claude = findClaude();
      if (claude) {
        await run(claude, ['mcp', 'remove', '--scope', 'user', MCP_SERVER_NAME]).then(
          () => notes.push('removed it from your Claude Code user configuration'),
          (error: Error) => notes.push(`claude mcp remove said: ${error.message}`),
        );
      } else {
        notes.push(
          `the claude CLI is no longer on PATH; run "claude mcp remove --scope user ${MCP_SERVER_NAME}" yourself`,
        );
      }
    }
    await this.state.update(LEDGER_KEY, undefined);
    this.log(`MCP server: ${notes.join('; ')}`);
    void vscode.window.showInformationMessage(`Headroom ${notes.join('; ')}.`);
  }

  private projectFile(): string | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    return folder?.uri.scheme === 'file' ? join(folder.uri.fsPath, '.mcp.json') : undefined;
  }

  private ledger(): McpLedger {
    return structuredClone(this.state.get<McpLedger>(LEDGER_KEY, {}));
  }
}

/**
 * The claude CLI: on PATH, or where Claude Code's own installers put it (~/.local/bin for the
 * native installer, ~/.claude/local for the local npm install), which a VS Code started from
 * the desktop may not have on its PATH.
 */
function findClaude(): string | undefined {
  const extensions = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE;.CMD').split(';') : [''];
  const dirs = [
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean),
    join(homedir(), '.local', 'bin'),
    join(homedir(), '.claude', 'local'),
  ];
  for (const dir of dirs) {
    for (const extension of extensions) {
      const candidate = join(dir, `claude${extension}`);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // Not here; try the next directory.
      }
    }
  }
  return undefined;
}

/** Runs a program; rejects with what it printed when it fails. Windows runs .cmd shims through the shell. */
function run(file: string, args: string[]): Promise<void> {
  const shell = process.platform === 'win32' && /\.(cmd|bat)$/i.test(file);
  const quoted = shell ? args.map((arg) => (/[\s"]/.test(arg) ? `"${arg.replace(/"/g, '""')}"` : arg)) : args;
  return new Promise((resolve, reject) => {
    execFile(file, quoted, { shell, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${stderr || stdout || error.message}`.trim()));
      else resolve();
    });
  });
}
