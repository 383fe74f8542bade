import * as vscode from 'vscode';
import { TEAM_TOKEN_PREFIX } from '../store/teamTokens';

const SECRET_KEY = 'headroom.teamToken';

/**
 * The user's token for a team's proxy, kept in VS Code's secret storage (the OS keychain),
 * never in settings; read once at start and again whenever it changes, so a launch reads it
 * without waiting.
 */
export class TeamToken implements vscode.Disposable {
  private token: string | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    onChange: () => void,
  ) {
    this.subscription = secrets.onDidChange(async (event) => {
      if (event.key !== SECRET_KEY) return;
      await this.load();
      onChange();
    });
  }

  get current(): string | undefined {
    return this.token;
  }

  async load(): Promise<void> {
    this.token = await this.secrets.get(SECRET_KEY);
  }

  /** Asks for the token (`headroom tokens add` printed it); an empty answer removes it. */
  async ask(): Promise<void> {
    const entered = await vscode.window.showInputBox({
      title: 'Headroom: team token',
      prompt: `Your token for the team's Headroom proxy (it starts with ${TEAM_TOKEN_PREFIX}); leave empty to remove it.`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) =>
        value.trim() === '' || value.trim().startsWith(TEAM_TOKEN_PREFIX)
          ? undefined
          : `A team token starts with ${TEAM_TOKEN_PREFIX} (from "headroom tokens add" on the team proxy).`,
    });
    if (entered === undefined) return;
    if (entered.trim() === '') await this.secrets.delete(SECRET_KEY);
    else await this.secrets.store(SECRET_KEY, entered.trim());
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
