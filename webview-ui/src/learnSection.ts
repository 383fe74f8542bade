import type { LearnView, PanelMessage } from '../../src/shared/panelProtocol';
import { formatTokens } from '../../src/shared/format';
import { element } from './dom';

/**
 * "Learn from agent sessions": a button that runs learn, then the corrections it found and
 * the change to CLAUDE.md / AGENTS.md as a diff, written only on "Apply".
 */
export class LearnSection {
  readonly root = element('section', { className: 'learn', id: 'learn', ariaLabel: 'Learn from agent sessions' });
  private readonly run = element('vscode-button', { id: 'run-learn' }, 'Run learn');
  private readonly body = element('div', { className: 'learn-body', id: 'learn-body' });

  constructor(private readonly post: (message: PanelMessage) => void) {
    this.run.addEventListener('click', () => this.post({ type: 'runLearn' }));
    this.root.append(
      element('div', { className: 'items-head' }, element('h2', {}, 'Learn from agent sessions'), this.run),
      this.body,
    );
    this.show({ state: 'idle' });
  }

  show(view: LearnView): void {
    this.run.toggleAttribute('disabled', view.state === 'running');
    this.run.textContent =
      view.state === 'proposed' || view.state === 'applied' || view.state === 'nothing'
        ? 'Run learn again'
        : 'Run learn';
    this.body.replaceChildren(...this.content(view));
  }

  private content(view: LearnView): Node[] {
    const read = (v: { transcripts: number; calls: number; failures: number }) =>
      `Read ${v.transcripts} transcript${v.transcripts === 1 ? '' : 's'} of this workspace: ${v.calls} tool calls, ${v.failures} failed.`;
    switch (view.state) {
      case 'idle':
        return [
          element(
            'p',
            { className: 'summary' },
            'Agents repeat the same mistakes every session: a test command that does not exist, a file that moved. Learn reads the Claude Code and Codex transcripts of this workspace, finds failed tool calls and what fixed them, and proposes corrections for CLAUDE.md and AGENTS.md. Nothing is written until you apply it.',
          ),
        ];
      case 'running':
        return [element('p', { className: 'summary', id: 'learn-running' }, 'Reading agent transcripts…')];
      case 'nothing':
        return [
          element(
            'p',
            { className: 'summary', id: 'learn-nothing' },
            view.refused.length
              ? read(view)
              : `${read(view)} ${view.failures ? 'Every correction found is already in the instructions files.' : 'Nothing to learn.'}`,
          ),
          ...refusals(view.refused),
        ];
      case 'failed':
        return [element('p', { className: 'error', id: 'learn-error' }, view.error)];
      case 'applied':
        return [
          element(
            'p',
            { className: 'summary', id: 'learn-applied' },
            view.files.length
              ? `Wrote ${view.files.join(', ')}; the previous content is kept as <file>.headroom-backup.`
              : 'The files were already up to date.',
          ),
        ];
      case 'proposed': {
        const apply = element('vscode-button', { id: 'apply-learn' }, 'Apply');
        const discard = element('vscode-button', { id: 'discard-learn', secondary: true }, 'Discard');
        apply.addEventListener('click', () => this.post({ type: 'applyLearn' }));
        discard.addEventListener('click', () => this.post({ type: 'discardLearn' }));
        return [
          element('p', { className: 'summary' }, read(view)),
          ...refusals(view.refused),
          element(
            'ul',
            { className: 'findings', id: 'learn-findings' },
            ...view.findings.map((f) =>
              element(
                'li',
                {},
                element('span', { className: 'cost' }, `${f.occurrences}× · ~${formatTokens(f.tokens)} tokens`),
                ' ',
                f.text,
              ),
            ),
          ),
          ...view.files.flatMap((file) => [
            element('h3', {}, file.file),
            element(
              'pre',
              { className: 'original-text learn-diff', tabIndex: 0, ariaLabel: `Proposed change to ${file.file}` },
              file.diff,
            ),
          ]),
          element('div', { className: 'buttons' }, apply, discard),
        ];
      }
    }
  }
}

/** Files learn would not touch, each with why. */
function refusals(refused: readonly string[]): HTMLElement[] {
  return refused.map((reason) => element('p', { className: 'error learn-refused' }, reason));
}
