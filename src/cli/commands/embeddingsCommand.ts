import { parseArgs } from 'node:util';
import { fetchEmbeddingAssets } from '../../embeddings/assetFetcher';
import {
  DEFAULT_MODEL_HOST,
  DEFAULT_NPM_REGISTRY,
  EMBEDDING_MODEL,
  embeddingAssetPaths,
  isFetched,
  ONNX_RUNTIME_VERSION,
} from '../../embeddings/embeddingAssets';
import { formatMegabytes } from '../../shared/format';
import { defaultEmbeddingsDirectory } from '../../store/paths';
import { type Command } from '../command';
import { UsageError } from '../../shared/optionValues';

export const embeddingsCommand: Command = {
  name: 'embeddings',
  usage: `headroom embeddings [status|fetch] [--dir DIR] [--model-host URL] [--npm-registry URL]

fetch downloads ${EMBEDDING_MODEL.id} (23 MB) from the Hugging Face hub (--model-host, default
${DEFAULT_MODEL_HOST}) and onnxruntime-node ${ONNX_RUNTIME_VERSION} (a 114 MB download, of which this platform's
45–86 MB is kept) from the npm registry (--npm-registry, default ${DEFAULT_NPM_REGISTRY}), checked against the
registry's integrity, into DIR (default: "embeddings" in Headroom's data directory). \`headroom proxy\` then
ranks by meaning as well as by words. status (the default) says what is there.`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { dir: { type: 'string' }, 'model-host': { type: 'string' }, 'npm-registry': { type: 'string' } },
      strict: true,
      allowPositionals: true,
    });
    const action = positionals[0] ?? 'status';
    if (positionals.length > 1 || (action !== 'status' && action !== 'fetch'))
      throw new UsageError('the action is status or fetch');
    const dir = values.dir ?? defaultEmbeddingsDirectory(io.env);
    const paths = embeddingAssetPaths(dir);
    if (action === 'fetch') {
      const abort = new AbortController();
      const cancel = () => abort.abort();
      process.once('SIGINT', cancel);
      // On a terminal one line per file counts up; in a log, each file is one line when it starts.
      const live = Boolean((io.stderr as { isTTY?: boolean }).isTTY);
      let item = '';
      let shown = '';
      try {
        await fetchEmbeddingAssets(dir, {
          modelHost: values['model-host'],
          npmRegistry: values['npm-registry'],
          signal: abort.signal,
          onProgress: (progress) => {
            const line = `fetching ${progress.item}: ${live ? `${formatMegabytes(progress.receivedBytes)} of ` : ''}${progress.totalBytes ? formatMegabytes(progress.totalBytes) : 'size unknown'}`;
            if (progress.item !== item) io.stderr.write(item ? '\n' : '');
            else if (!live || line === shown) return;
            io.stderr.write(live ? `\r${line}` : line);
            item = progress.item;
            shown = line;
          },
        });
      } finally {
        process.off('SIGINT', cancel);
        if (item) io.stderr.write('\n');
      }
    }
    const [model, runtime] = [isFetched(paths.modelDir), isFetched(paths.runtimeDir)];
    io.stdout.write(
      `model    ${paths.modelDir}${model ? '' : ' (not fetched)'}\n` +
        `runtime  ${paths.runtimeDir}${runtime ? '' : ' (not fetched)'}\n` +
        (model && runtime
          ? 'headroom proxy uses them when started without --embedding-model.\n'
          : 'headroom embeddings fetch downloads them.\n'),
    );
    return 0;
  },
};
