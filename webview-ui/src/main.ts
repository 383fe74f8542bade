import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { ItemsResponse, SeriesBucket, StatsResponse } from '../../src/proxy/api';
import type { HostMessage, ItemsFilter, PanelMessage, ProxyView } from '../../src/shared/panelProtocol';
import { ItemsList } from './itemsList';
import { LearnSection } from './learnSection';
import { SavingsCharts } from './savingsCharts';
import { element } from './dom';
import { relevanceLabel, tiles } from './viewModel';

interface WebviewApi {
  postMessage(message: PanelMessage): void;
  getState(): PersistedState | undefined;
  setState(state: PersistedState): void;
}
interface PersistedState {
  bucket: SeriesBucket;
  filter: ItemsFilter;
}
declare function acquireVsCodeApi(): WebviewApi;

const vscode = acquireVsCodeApi();
const persisted: PersistedState = vscode.getState() ?? { bucket: 'hour', filter: { search: '', kind: '', offset: 0 } };
const post = (message: PanelMessage) => vscode.postMessage(message);

const app = document.getElementById('app') as HTMLElement;
const status = element('p', { className: 'status', id: 'proxy-status' });
const relevance = element('p', { className: 'summary', id: 'relevance' });
const toggle = element('vscode-button', { id: 'toggle-compression', secondary: true }, 'Turn compression off');
toggle.addEventListener('click', () => post({ type: 'toggleCompression' }));
const tileRow = element('section', { className: 'tiles', ariaLabel: 'Savings' });
const charts = new SavingsCharts(persisted.bucket, (bucket) => {
  persisted.bucket = bucket;
  vscode.setState(persisted);
  post({ type: 'bucket', bucket });
});
const items = new ItemsList(persisted.filter, post, (filter) => {
  persisted.filter = { ...filter, offset: 0 };
  vscode.setState(persisted);
});

const learn = new LearnSection(post);

app.append(
  element('header', {}, element('h1', {}, 'Headroom'), status, toggle),
  relevance,
  tileRow,
  charts.root,
  items.root,
  learn.root,
);

function showProxy(proxy: ProxyView): void {
  status.className = `status ${proxy.state}`;
  toggle.hidden = proxy.state !== 'running';
  if (proxy.state === 'running') {
    status.textContent = proxy.compression
      ? `Compressing · proxy on ${proxy.url}`
      : `Compression off: requests pass through unchanged · proxy on ${proxy.url}`;
    toggle.textContent = proxy.compression ? 'Turn compression off' : 'Turn compression on';
  } else {
    status.textContent =
      proxy.state === 'starting' ? 'Starting the proxy…' : `The proxy is not running: ${proxy.error}`;
  }
}

let lastStats: StatsResponse | undefined;

function showStats(stats: StatsResponse): void {
  lastStats = stats;
  tileRow.replaceChildren(
    ...tiles(stats).map((tile) =>
      element(
        'div',
        { className: 'tile', id: `tile-${tile.id}` },
        element('span', { className: 'label' }, tile.label),
        element('span', { className: 'value' }, tile.value),
        element('span', { className: 'detail' }, tile.detail),
      ),
    ),
  );
  toggle.textContent = stats.compression ? 'Turn compression off' : 'Turn compression on';
  relevance.textContent = relevanceLabel(stats.relevance);
  charts.update(stats);
}

function showItems(filter: ItemsFilter, response: ItemsResponse): void {
  items.show(filter, response);
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'proxy':
      showProxy(message.proxy);
      return;
    case 'stats':
      showStats(message.stats);
      return;
    case 'items':
      showItems(message.filter, message.items);
      return;
    case 'original':
      items.showOriginal(message.hash, message.content, message.error);
      return;
    case 'learn':
      learn.show(message.learn);
      return;
  }
});

// Canvas colours are read from the theme when drawn, so a theme change redraws the charts.
new MutationObserver(() => lastStats && charts.update(lastStats)).observe(document.body, {
  attributes: true,
  attributeFilter: ['class'],
});

post({ type: 'ready' });
if (persisted.bucket !== 'hour') post({ type: 'bucket', bucket: persisted.bucket });
post({ type: 'items', filter: persisted.filter });
