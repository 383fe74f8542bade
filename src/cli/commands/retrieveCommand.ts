import { parseArgs } from 'node:util';
import { openStoreAccess } from '../../proxy/storeAccess';
import { defaultStorePath } from '../../store/paths';
import { type Command } from '../command';
import { parseCount, UsageError } from '../../shared/optionValues';

export const retrieveCommand: Command = {
  name: 'retrieve',
  usage: `headroom retrieve HASH [--query Q] [--offset N] [--limit N] [--store FILE]

Prints the original that a "retrieve hash=HASH" marker stands for. With --query, only the
rows or lines relevant to it; --offset and --limit page through them.`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        query: { type: 'string' },
        offset: { type: 'string' },
        limit: { type: 'string' },
        store: { type: 'string' },
      },
      strict: true,
      allowPositionals: true,
    });
    if (positionals.length !== 1) throw new UsageError('give exactly one hash');
    const offset = parseCount(values.offset, '--offset');
    const limit = parseCount(values.limit, '--limit');
    const access = await openStoreAccess(values.store ?? defaultStorePath(io.env), (m) => io.stderr.write(`${m}\n`));
    try {
      const outcome = await access.retrieve(positionals[0], { query: values.query, offset, limit });
      if (!outcome.ok) {
        io.stderr.write(`headroom retrieve: ${outcome.error}\n`);
        return 1;
      }
      io.stdout.write(outcome.part.content);
      if (outcome.part.returned < outcome.part.total) {
        const { unit, offset: from, returned, matched, total } = outcome.part;
        io.stderr.write(`${returned} of ${matched} matching ${unit} (from ${from}; ${total} in all)\n`);
      }
      return 0;
    } finally {
      await access.close();
    }
  },
};
