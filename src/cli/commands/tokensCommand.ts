import { parseArgs } from 'node:util';
import { defaultTokensPath } from '../../store/paths';
import { TeamTokens } from '../../store/teamTokens';
import { UsageError } from '../../shared/optionValues';
import type { Command } from '../command';

export const tokensCommand: Command = {
  name: 'tokens',
  usage: `headroom tokens add USER [--project NAME] | list | revoke ID|USER  [--tokens FILE]

The tokens a team proxy (headroom proxy --listen beyond loopback) admits. "add" prints the new
token once: only its hash is kept. Clients send it in the x-headroom-token header (or as
"Authorization: Bearer" to /metrics). A running proxy sees additions and revocations within a
second. --tokens (or HEADROOM_TOKENS) names the file; by default tokens.json in Headroom's data
directory.`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { tokens: { type: 'string' }, project: { type: 'string' } },
      strict: true,
      allowPositionals: true,
    });
    const tokens = new TeamTokens(values.tokens ?? defaultTokensPath(io.env));
    const [action, name, ...rest] = positionals;
    if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
    if (action === 'add' && name) {
      const { token, id } = tokens.add(name, values.project);
      io.stderr.write(
        `Token ${id} for ${name}${values.project ? ` (project ${values.project})` : ''}; shown this once:\n`,
      );
      io.stdout.write(`${token}\n`);
      return 0;
    }
    if (action === 'list' && !name) {
      const listing = tokens.list();
      if (listing.length === 0) io.stdout.write(`No tokens in ${tokens.file}.\n`);
      for (const t of listing)
        io.stdout.write(
          `${t.id}  ${t.user}${t.project ? `  project ${t.project}` : ''}  created ${new Date(t.createdAt).toISOString()}\n`,
        );
      return 0;
    }
    if (action === 'revoke' && name) {
      const revoked = tokens.revoke(name);
      if (revoked === 0) {
        io.stderr.write(`headroom tokens: no token has the id or user "${name}".\n`);
        return 1;
      }
      io.stdout.write(`Revoked ${revoked} token${revoked === 1 ? '' : 's'}.\n`);
      return 0;
    }
    throw new UsageError('say add USER, list, or revoke ID|USER');
  },
};
