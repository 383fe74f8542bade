import type { ItemsResponse, ListedItem } from '../../src/proxy/api';
import { CONTENT_KINDS } from '../../src/core/types';
import type { ItemsFilter, PanelMessage } from '../../src/shared/panelProtocol';
import { element } from './dom';
import { itemView } from './viewModel';

const PAGE = 50;

/** The compressed items: search, filter by kind, and per item Expand (inline), Open in editor, Copy. */
export class ItemsList {
  readonly root = element('section', { className: 'items', ariaLabel: 'Compressed items' });
  private readonly search = element('vscode-textfield', {
    id: 'item-search',
    placeholder: 'Search previews and tools',
    ariaLabel: 'Search compressed items',
  }) as HTMLElement & { value: string };
  private readonly kind = element(
    'vscode-single-select',
    { id: 'item-kind', ariaLabel: 'Content kind' },
    element('vscode-option', { value: '' }, 'All kinds'),
    ...CONTENT_KINDS.map((kind) => element('vscode-option', { value: kind }, kind)),
  ) as HTMLElement & { value: string };
  private readonly body = element('tbody');
  private readonly summary = element('p', { className: 'summary', id: 'items-summary' });
  private readonly more = element('vscode-button', { id: 'load-more', secondary: true, hidden: true }, 'Load more');
  private readonly empty = element('div', { className: 'empty', id: 'items-empty', hidden: true });
  private readonly table = element('table', { id: 'items-table' });
  private shown: ListedItem[] = [];
  private filter: ItemsFilter;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    filter: ItemsFilter,
    private readonly post: (message: PanelMessage) => void,
    private readonly onFilter: (filter: ItemsFilter) => void,
  ) {
    this.filter = filter;
    this.search.value = filter.search;
    this.kind.value = filter.kind;
    this.search.addEventListener('input', () => {
      clearTimeout(this.searchTimer);
      this.searchTimer = setTimeout(() => this.request({ ...this.filter, search: this.search.value, offset: 0 }), 200);
    });
    this.kind.addEventListener('change', () => this.request({ ...this.filter, kind: this.kind.value, offset: 0 }));
    this.more.addEventListener('click', () => this.request({ ...this.filter, offset: this.shown.length }));
    this.table.append(
      element(
        'thead',
        {},
        element(
          'tr',
          {},
          ...['When', 'Tool', 'Kind', 'Tokens', 'Saved', 'Preview', ''].map((label) =>
            element('th', { scope: 'col' }, label),
          ),
        ),
      ),
      this.body,
    );
    this.root.append(
      element('div', { className: 'items-head' }, element('h2', {}, 'Compressed items'), this.search, this.kind),
      this.summary,
      this.table,
      this.more,
      this.empty,
    );
  }

  show(filter: ItemsFilter, response: ItemsResponse): void {
    if (filter.search !== this.filter.search || filter.kind !== this.filter.kind) return;
    this.shown = filter.offset === 0 ? response.items : [...this.shown, ...response.items];
    this.filter = filter;
    const now = Date.now();
    if (filter.offset === 0) this.body.replaceChildren();
    for (const item of response.items) this.body.append(this.row(item, now));
    const filtered = Boolean(filter.search || filter.kind);
    this.summary.textContent = response.total
      ? `${this.shown.length} of ${response.total} items${filtered ? ' matching' : ''}`
      : '';
    this.more.hidden =
      this.shown.length >= response.total || response.items.length < Math.min(PAGE, response.total - filter.offset);
    this.table.hidden = response.total === 0;
    this.empty.hidden = response.total !== 0;
    this.empty.replaceChildren(
      ...(filtered ? [element('p', {}, 'No compressed item matches this search.')] : this.gettingStarted()),
    );
  }

  showOriginal(hash: string, content: string | null, error?: string): void {
    const row = this.body.querySelector(`tr.original[data-hash="${CSS.escape(hash)}"]`);
    if (!row) return;
    const cell = row.querySelector('td') as HTMLTableCellElement;
    cell.replaceChildren(
      content === null
        ? element('p', { className: 'error' }, error ?? 'The original is not available.')
        : element('pre', { className: 'original-text', tabIndex: 0 }, content),
    );
  }

  private request(filter: ItemsFilter): void {
    this.filter = filter;
    this.onFilter(filter);
    this.post({ type: 'items', filter });
  }

  private row(item: ListedItem, now: number): DocumentFragment {
    const view = itemView(item, now);
    const expand = element('vscode-button', { className: 'expand', ariaExpanded: 'false' }, 'Expand');
    const open = element('vscode-button', { className: 'open', secondary: true }, 'Open in editor');
    const copy = element('vscode-button', { className: 'copy', secondary: true }, 'Copy');
    const original = element(
      'tr',
      { className: 'original', hidden: true },
      element('td', { colSpan: 7 }, element('p', { className: 'loading' }, 'Loading the original…')),
    );
    original.dataset.hash = item.hash;
    expand.addEventListener('click', () => {
      const opening = original.hidden;
      original.hidden = !opening;
      expand.textContent = opening ? 'Collapse' : 'Expand';
      expand.setAttribute('aria-expanded', String(opening));
      if (opening && original.querySelector('.loading')) this.post({ type: 'expand', hash: item.hash });
    });
    open.addEventListener('click', () => this.post({ type: 'openOriginal', hash: item.hash, kind: item.kind }));
    copy.addEventListener('click', () => this.post({ type: 'copyOriginal', hash: item.hash }));
    const row = element(
      'tr',
      { className: 'item-row' },
      element('td', { title: new Date(item.at).toLocaleString() }, view.time),
      element('td', {}, view.tool),
      element('td', {}, view.kind),
      element('td', { className: 'number' }, view.tokens),
      element('td', { className: 'number' }, view.saved),
      element('td', { className: 'preview', title: view.preview }, view.preview),
      element('td', {}, element('div', { className: 'buttons' }, expand, open, copy)),
    );
    row.dataset.hash = item.hash;
    const fragment = document.createDocumentFragment();
    fragment.append(row, original);
    return fragment;
  }

  private gettingStarted(): Node[] {
    const route = element('vscode-button', { id: 'route-agents' }, 'Route agents through Headroom');
    route.addEventListener('click', () => this.post({ type: 'routeAgents' }));
    return [
      element('h3', {}, 'Nothing compressed yet'),
      element(
        'p',
        {},
        'Headroom compresses tool output (logs, JSON, search results, diffs) that agents send to Anthropic and OpenAI models. Agents started in a new integrated terminal already go through it.',
      ),
      element(
        'p',
        {},
        'To route Claude Code, Codex and the Claude Code extension, use the button; every compressed item then shows up here, and one click on Expand shows its original.',
      ),
      route,
    ];
  }
}
