import { parseArgs } from 'node:util';
import { DEFAULT_ANTHROPIC_UPSTREAM, DEFAULT_BODY_LIMIT, DEFAULT_OPENAI_UPSTREAM } from '../../proxy/proxyState';
import { removeDiscovery, writeDiscovery } from '../../proxy/discovery';
import { DEFAULT_PORT, startProxy } from '../../proxy/server';
import { CcrStore } from '../../store/ccrStore';
import { defaultStorePath } from '../../store/paths';
import { parseCount, UsageError, type Command } from '../command';

export const proxyCommand: Command = {
  name: 'proxy',
  summary: 'run the compression proxy on 127.0.0.1',
  usage: `headroom proxy [--port ${DEFAULT_PORT}] [--store FILE] [--anthropic-upstream URL] [--openai-upstream URL] [--compression on|off]

Point agents at it: ANTHROPIC_BASE_URL=http://127.0.0.1:PORT, OPENAI_BASE_URL=http://127.0.0.1:PORT/v1.
Each option can also come from the environment: HEADROOM_PORT, HEADROOM_STORE,
HEADROOM_ANTHROPIC_UPSTREAM, HEADROOM_OPENAI_UPSTREAM, HEADROOM_COMPRESSION. With compression off
the proxy passes every request through unchanged; POST /headroom/toggle switches it at run time.`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        port: { type: 'string' },
        store: { type: 'string' },
        'anthropic-upstream': { type: 'string' },
        'openai-upstream': { type: 'string' },
        compression: { type: 'string' },
      },
      strict: true,
    });
    const port = parseCount(values.port ?? io.env.HEADROOM_PORT, '--port') ?? DEFAULT_PORT;
    if (port > 65_535) throw new UsageError('--port must be at most 65535');
    const anthropicUpstream = checkedUrl(values['anthropic-upstream'] ?? io.env.HEADROOM_ANTHROPIC_UPSTREAM ?? DEFAULT_ANTHROPIC_UPSTREAM, '--anthropic-upstream');
    const openaiUpstream = checkedUrl(values['openai-upstream'] ?? io.env.HEADROOM_OPENAI_UPSTREAM ?? DEFAULT_OPENAI_UPSTREAM, '--openai-upstream');
    const compression = values.compression ?? io.env.HEADROOM_COMPRESSION ?? 'on';
    if (compression !== 'on' && compression !== 'off') throw new UsageError(`--compression must be on or off, not "${compression}"`);
    const file = values.store ?? defaultStorePath(io.env);
    // sql.js saves by exporting the whole database, which blocks the event loop for a moment,
    // so under the proxy's steady writes the file is rewritten at most every two seconds.
    const store = await CcrStore.open({ file, debounceMs: 2_000, onWarning: (m) => io.stderr.write(`${m}\n`) });
    const proxy = await startProxy({
      port,
      store,
      config: { anthropicUpstream, openaiUpstream, compression: compression === 'on', compressionBudgetMs: 2_000, bodyLimit: DEFAULT_BODY_LIMIT, log: (line) => io.stderr.write(`${line}\n`) },
    });
    writeDiscovery(file, { url: proxy.url, port: proxy.port });
    io.stdout.write(`Headroom proxy listening on ${proxy.url} (store ${file}${compression === 'off' ? ', compression off' : ''})\n`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        removeDiscovery(file);
        void proxy.close().then(() => store.close()).then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  },
};

function checkedUrl(value: string, option: string): string {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    return value;
  } catch {
    throw new UsageError(`${option} must be an http(s) URL, not "${value}"`);
  }
}
