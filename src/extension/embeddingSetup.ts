import * as vscode from 'vscode';
import { embeddingAssetPaths, isFetched } from '../embeddings/embeddingAssets';
import type { EmbeddingSettings } from '../embeddings/relevance';
import { formatMegabytes } from '../shared/format';
import { DOWNLOADING, fetchesUnasked, whyBm25, type FetchSituation } from './fetchPolicy';
import type { ProxySupervisor } from './proxySupervisor';
import { EMBEDDINGS_SECTION, embeddingPreferences, turnEmbeddingsOff } from './settings';

/** Set when the user cancels the download, so it is not offered again at every start; the command clears it. */
const DECLINED_KEY = 'headroom.embeddings.declined';
/** The last download's failure, when and why (see fetchesUnasked). */
const FAILURE_KEY = 'headroom.embeddings.failure';

/**
 * The embedding model and ONNX runtime in the extension's global storage: what the proxy
 * should use now, and fetching what is missing with a cancellable progress notification.
 * The proxy runs on BM25 meanwhile and is handed the model when it is in place.
 */
export class EmbeddingSetup {
  private fetching: Promise<void> | undefined;

  constructor(
    private readonly storageDir: string,
    private readonly state: vscode.Memento,
    private readonly proxy: Pick<ProxySupervisor, 'useEmbeddings' | 'explainBm25'>,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The settings for the proxy, or undefined while relevance is off or the assets are not all there. */
  settings(): EmbeddingSettings | undefined {
    const preferences = embeddingPreferences();
    if (!preferences.enabled) return undefined;
    const paths = embeddingAssetPaths(this.storageDir);
    const modelDir = preferences.modelPath ?? (isFetched(paths.modelDir) ? paths.modelDir : undefined);
    if (!modelDir || !isFetched(paths.runtimeDir)) return undefined;
    return { modelDir, runtimeDir: paths.runtimeDir, weight: preferences.weight, budgetMs: preferences.budgetMs };
  }

  /** What the proxy is launched with: the model in place, or why relevance is BM25 alone. */
  relevance(): EmbeddingSettings | { bm25Only: string } {
    return this.settings() ?? { bm25Only: whyBm25(this.situation()) };
  }

  /**
   * At start and after a settings change: fetches what is missing and hands the result to the
   * proxy, unless relevance by meaning is off, the user cancelled an earlier download, or one
   * failed less than a day ago.
   */
  ensure(): Promise<void> {
    return fetchesUnasked(this.situation()) ? this.fetch() : Promise.resolve();
  }

  private situation(): FetchSituation {
    return {
      enabled: embeddingPreferences().enabled,
      inPlace: this.settings() !== undefined,
      declined: this.state.get<boolean>(DECLINED_KEY) === true,
      failure: this.state.get<{ at: number; message: string }>(FAILURE_KEY),
      now: Date.now(),
    };
  }

  /** A changed download source or model folder deserves a try at once. */
  forgetFailure(): Thenable<void> {
    return this.state.update(FAILURE_KEY, undefined);
  }

  /** The palette command: fetches now, whatever was declined before. */
  async download(): Promise<void> {
    if (!embeddingPreferences().enabled) {
      const choice = await vscode.window.showInformationMessage(
        'Relevance by meaning is turned off (headroom.embeddings.enabled).',
        'Turn On and Download',
      );
      if (choice)
        await vscode.workspace
          .getConfiguration(EMBEDDINGS_SECTION)
          .update('enabled', true, vscode.ConfigurationTarget.Global);
      else return;
    }
    await this.state.update(DECLINED_KEY, undefined);
    await this.forgetFailure();
    if (this.settings()) {
      void vscode.window.showInformationMessage(
        'The embedding model is in place: Headroom ranks what it keeps by meaning as well as by words.',
      );
      return;
    }
    await this.fetch();
  }

  /** One download at a time, however often it is asked for. */
  private fetch(): Promise<void> {
    this.fetching ??= this.fetchOnce().finally(() => (this.fetching = undefined));
    return this.fetching;
  }

  private async fetchOnce(): Promise<void> {
    const preferences = embeddingPreferences();
    // Loaded when first needed: the tar reader alone would double the extension's activation time.
    const { fetchEmbeddingAssets } = await import('../embeddings/assetFetcher.js');
    const abort = new AbortController();
    const title = 'Headroom: downloading the embedding model';
    this.proxy.explainBm25(DOWNLOADING);
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title, cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          let shown = '';
          return fetchEmbeddingAssets(this.storageDir, {
            modelDir: preferences.modelPath,
            modelHost: preferences.modelHost,
            npmRegistry: preferences.npmRegistry,
            signal: abort.signal,
            onProgress: ({ item, receivedBytes, totalBytes }) => {
              const message = `${item}: ${formatMegabytes(receivedBytes)}${totalBytes ? ` of ${formatMegabytes(totalBytes)}` : ''}`;
              if (message !== shown) progress.report({ message });
              shown = message;
            },
          });
        },
      );
    } catch (error) {
      if (abort.signal.aborted) {
        await this.state.update(DECLINED_KEY, true);
        this.log.info('Embedding model download cancelled; relevance stays BM25 alone.');
        void vscode.window.showInformationMessage(
          'Relevance stays BM25 alone. "Headroom: Download Embedding Model" fetches the model later.',
        );
      } else {
        const message = (error as Error).message;
        this.log.error(`Embedding model download failed: ${message}`);
        await this.state.update(FAILURE_KEY, { at: Date.now(), message });
        void this.offerRetry(message);
      }
      this.proxy.explainBm25(whyBm25(this.situation()));
      return;
    }
    await this.forgetFailure();
    const relevance = this.relevance();
    if ('bm25Only' in relevance) return;
    this.log.info(`Embedding model ready (${relevance.modelDir}); handing it to the proxy.`);
    this.proxy.useEmbeddings(relevance);
  }

  /** Not awaited by the failed download, so a retry starts a new one. */
  private async offerRetry(message: string): Promise<void> {
    const choice = await vscode.window.showWarningMessage(
      `Headroom could not download the embedding model, so relevance stays BM25 alone: ${message}`,
      'Retry',
      'Turn Off',
    );
    if (choice === 'Retry') await this.download();
    else if (choice === 'Turn Off') await turnEmbeddingsOff();
  }
}
