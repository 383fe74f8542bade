import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { applyLearn } from '../../learn/applyPlan';
import { planLearn, type LearnAgent } from '../../learn/learn';
import { anthropicRefiner } from '../../learn/refine';
import { DEFAULT_ANTHROPIC_UPSTREAM } from '../../shared/defaults';
import { formatTokens } from '../../shared/format';
import { type Command } from '../command';
import { UsageError } from '../../shared/optionValues';

const AGENTS: readonly LearnAgent[] = ['claude', 'codex', 'all'];
/** A small, fast model: rewording a few lines needs no more. */
const DEFAULT_REFINE_MODEL = 'claude-haiku-4-5';

export const learnCommand: Command = {
  name: 'learn',
  usage: `headroom learn [--apply | --json] [--agent claude|codex|all] [--workspace DIR] [--all] [--local]
                [--claude-dir DIR] [--codex-dir DIR] [--refine [--model NAME]]

Reads Claude Code's and Codex's transcripts of this workspace (--all: of every project),
finds the tool calls that failed and the calls that fixed them, and proposes corrections
for CLAUDE.md (Claude Code) and AGENTS.md (Codex and others), between
<!-- headroom:learn:start --> and <!-- headroom:learn:end --> markers. Nothing outside the
markers changes. Without --apply it only shows the change; with it, it writes (a backup of
each file is kept). --local writes CLAUDE.local.md / AGENTS.local.md instead. --json prints
the plan (findings, and each file's content before and after) as one JSON object.
--refine has a model reword the corrections through the Anthropic API (ANTHROPIC_BASE_URL,
which may be the Headroom proxy, and ANTHROPIC_API_KEY); a reworded line is used only if it
keeps every command and path, and without an answer the corrections stay as found.`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        apply: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        agent: { type: 'string', default: 'all' },
        workspace: { type: 'string' },
        all: { type: 'boolean', default: false },
        local: { type: 'boolean', default: false },
        'claude-dir': { type: 'string' },
        'codex-dir': { type: 'string' },
        refine: { type: 'boolean', default: false },
        model: { type: 'string', default: DEFAULT_REFINE_MODEL },
      },
      strict: true,
    });
    if (!AGENTS.includes(values.agent as LearnAgent))
      throw new UsageError(`--agent must be one of ${AGENTS.join(', ')}, not "${values.agent}"`);
    if (values.json && values.apply) throw new UsageError('--json shows the plan; apply it with --apply alone');
    const home = io.env.HOME ?? homedir();
    const apiKey = io.env.ANTHROPIC_API_KEY;
    if (values.refine && !apiKey)
      throw new UsageError(
        '--refine asks a model through the Anthropic API: set ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL for a gateway or the Headroom proxy)',
      );
    const refine =
      values.refine && apiKey
        ? anthropicRefiner({
            baseUrl: io.env.ANTHROPIC_BASE_URL ?? DEFAULT_ANTHROPIC_UPSTREAM,
            apiKey,
            model: values.model,
          })
        : undefined;
    const report = await planLearn({
      workspace: values.workspace ?? process.cwd(),
      agent: values.agent as LearnAgent,
      claudeDir: values['claude-dir'] ?? io.env.CLAUDE_CONFIG_DIR ?? join(home, '.claude'),
      codexDir: values['codex-dir'] ?? io.env.CODEX_HOME ?? join(home, '.codex'),
      allProjects: values.all,
      local: values.local,
      refine,
      onWarning: (message) => io.stderr.write(`${message}\n`),
    });
    const out = (line = '') => io.stdout.write(`${line}\n`);
    if (values.json) {
      out(JSON.stringify(report));
      return 0;
    }
    out(
      `Read ${report.transcripts} transcript(s): ${report.calls} tool calls, ${report.failures} failed, ${report.findings.length} correction(s)${report.skippedLines ? `; ${report.skippedLines} line(s) that were not JSON skipped` : ''}.`,
    );
    if (report.findings.length === 0) {
      out('Nothing to learn: no failed call was followed by one that fixed it.');
      return 0;
    }
    out();
    for (const finding of report.findings)
      out(
        `  ${String(finding.occurrences).padStart(3)}×  ~${formatTokens(finding.tokens).padStart(5)} tokens  ${finding.text}`,
      );
    for (const change of report.changes) {
      out();
      if (change.repaired) out(`${change.file}: ${change.repaired}`);
      if (change.refused) {
        out(`${change.file}: ${change.refused}`);
        continue;
      }
      out(change.diff.trimEnd() || `${change.file}: already up to date`);
    }
    if (!values.apply) {
      out('Dry run: nothing was written. Run with --apply to write these changes.');
      return 0;
    }
    const written = applyLearn(report.changes);
    out(
      written.length
        ? `Wrote ${written.join(', ')} (backups: <file>.headroom-backup).`
        : 'Every file was already up to date.',
    );
    return 0;
  },
};
