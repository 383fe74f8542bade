import { parseArgs } from 'node:util';
import { CONTENT_KINDS } from '../../core/types';
import { PROXY_OPTIONS } from '../../proxy/proxyOptions';
import { oneOf, UsageError } from '../../shared/optionValues';
import { decodeUtf8 } from '../../shared/utf8';
import { defaultStorePath } from '../../store/paths';
import { readAll, type Command } from '../command';
import { openStoreAccess } from '../../proxy/storeAccess';

export const compressCommand: Command = {
  name: 'compress',
  usage: `headroom compress [--query Q] [--kind ${CONTENT_KINDS.join('|')}] [--store FILE] [--stats]
                  [--min-tokens N] [--aggressiveness conservative|balanced|aggressive]

Reads a tool output on stdin and writes the compressed text to stdout. Dropped content is
kept in the store; each marker's "retrieve hash=…" gets it back with \`headroom retrieve\`.
With --stats, one JSON line of figures goes to stderr.`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        query: { type: 'string' },
        kind: { type: 'string' },
        store: { type: 'string' },
        stats: { type: 'boolean', default: false },
        'min-tokens': { type: 'string' },
        aggressiveness: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    const kind = values.kind === undefined ? undefined : oneOf(CONTENT_KINDS).parse(values.kind, 'kind');
    const { aggressiveness: aggressivenessOption, minTokens: minTokensOption } = PROXY_OPTIONS;
    const aggressiveness =
      values.aggressiveness === undefined
        ? undefined
        : aggressivenessOption.value.parse(values.aggressiveness, 'aggressiveness');
    const minTokens =
      values['min-tokens'] === undefined ? undefined : minTokensOption.value.parse(values['min-tokens'], 'min-tokens');
    if (io.stdin.isTTY) throw new UsageError('pipe a tool output into it, e.g. `cat build.log | headroom compress`');

    const bytes = await readAll(io.stdin);
    const input = decodeUtf8(bytes);
    if (input === undefined) {
      // Not text: passed on byte for byte, as the proxy forwards a body it cannot read.
      io.stdout.write(bytes);
      if (values.stats)
        io.stderr.write(`${JSON.stringify({ compressed: false, kind: 'binary', reason: 'not UTF-8' })}\n`);
      return 0;
    }
    const access = await openStoreAccess(values.store ?? defaultStorePath(io.env), (m) => io.stderr.write(`${m}\n`));
    try {
      const started = performance.now();
      const result = await access.compress({
        content: input,
        query: values.query,
        kind,
        minTokens,
        aggressiveness,
        tool: 'cli',
      });
      io.stdout.write(result.text);
      if (values.stats) {
        const { text: _text, ...stats } = result;
        io.stderr.write(`${JSON.stringify({ ...stats, ms: Math.round(performance.now() - started) })}\n`);
      }
    } finally {
      await access.close();
    }
    return 0;
  },
};
