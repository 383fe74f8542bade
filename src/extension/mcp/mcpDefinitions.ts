import * as vscode from 'vscode';
import type { McpCommandLine } from './mcpLauncher';

/** The id under `contributes.mcpServerDefinitionProviders` in package.json. */
const PROVIDER_ID = 'headroom.mcp';

/**
 * Offers Headroom's MCP server to VS Code, so Copilot's agent mode (and any chat participant
 * using MCP) lists its tools without the user writing an mcp.json. `changed()` tells VS Code
 * to ask again, after a setting moved the store.
 */
export class McpDefinitions implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  private readonly registration: vscode.Disposable;

  constructor(commandLine: () => McpCommandLine, version: string) {
    this.registration = vscode.lm.registerMcpServerDefinitionProvider(PROVIDER_ID, {
      onDidChangeMcpServerDefinitions: this.emitter.event,
      provideMcpServerDefinitions: () => {
        const { command, args, env } = commandLine();
        return [new vscode.McpStdioServerDefinition('Headroom', command, args, env, version)];
      },
    });
  }

  changed(): void {
    this.emitter.fire();
  }

  dispose(): void {
    this.registration.dispose();
    this.emitter.dispose();
  }
}
