import { parseArgs } from 'node:util';
import { AGGRESSIVENESS_LEVELS, CONTENT_KINDS, isAggressiveness, isContentKind } from '../../core/types';
import { defaultStorePath } from '../../store/paths';
import { parseCount, readAll, UsageError, type Command } from '../command';
import { openStoreAccess } from '../../proxy/storeAccess';

export const compressCommand: Command = {
  name: 'compress',
  summary: 'compress a tool output read from stdin',
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
    if (values.kind !== undefined && !isContentKind(values.kind)) {
      throw new UsageError(`--kind must be one of ${CONTENT_KINDS.join(', ')}, not "${values.kind}"`);
    }
    if (values.aggressiveness !== undefined && !isAggressiveness(values.aggressiveness)) {
      throw new UsageError(`--aggressiveness must be one of ${AGGRESSIVENESS_LEVELS.join(', ')}`);
    }
    const minTokens = parseCount(values['min-tokens'], '--min-tokens');
    if (io.stdin.isTTY) throw new UsageError('pipe a tool output into it, e.g. `cat build.log | headroom compress`');

    const input = (await readAll(io.stdin)).toString('utf8');
    const access = await openStoreAccess(values.store ?? defaultStorePath(io.env), (m) => io.stderr.write(`${m}\n`));
    try {
      const started = performance.now();
      const result = await access.compress({ content: input, query: values.query, kind: values.kind, minTokens, aggressiveness: values.aggressiveness, tool: 'cli' });
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
