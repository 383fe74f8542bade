import { AGGRESSIVENESS_LEVELS, type Aggressiveness } from '../core/types';
import {
  DEFAULT_ANTHROPIC_UPSTREAM,
  DEFAULT_EMBEDDING_BUDGET_MS,
  DEFAULT_EMBEDDING_WEIGHT,
  DEFAULT_HISTORY_KEEP_TURNS,
  DEFAULT_HISTORY_TOKENS,
  DEFAULT_MIN_TOKENS,
  DEFAULT_OPENAI_UPSTREAM,
  DEFAULT_GEMINI_UPSTREAM,
  DEFAULT_PORT,
  DEFAULT_TTL_DAYS,
} from '../shared/defaults';
import {
  fraction,
  httpUrl,
  hostPort,
  oneOf,
  onOff,
  text,
  UsageError,
  wholeNumber,
  type OptionValue,
} from '../shared/optionValues';

interface ValueOption<T> {
  flag: string;
  /** The environment variable read when the flag is absent. */
  env?: string;
  /** The `headroom.*` setting the extension launches it from. */
  setting?: string;
  /** Absent: the proxy decides (the store in the data directory, embeddings if fetched). */
  default?: T;
  value: OptionValue<T>;
  /** Whether changing the setting restarts the proxy (otherwise the extension applies it live). */
  restarts?: boolean;
  help: string;
}

interface SwitchOption {
  flag: string;
  switch: true;
  help: string;
}

/**
 * Every option of `headroom proxy`, written once: the CLI's parser and usage, the environment
 * fallbacks, the extension's settings and the arguments it launches the proxy with all come
 * from here (a test holds package.json's `contributes.configuration` to these defaults).
 */
export const PROXY_OPTIONS = {
  port: {
    flag: 'port',
    env: 'HEADROOM_PORT',
    setting: 'port',
    default: DEFAULT_PORT,
    value: wholeNumber(0, 65_535),
    restarts: true,
    help: 'port on 127.0.0.1 (0: any free port)',
  },
  listen: {
    flag: 'listen',
    env: 'HEADROOM_LISTEN',
    value: hostPort,
    help: 'where to listen instead of 127.0.0.1 and --port; beyond loopback it serves a team, and only with tokens (`headroom tokens add`)',
  },
  allowedHosts: {
    flag: 'allowed-hosts',
    env: 'HEADROOM_ALLOWED_HOSTS',
    value: text('NAMES'),
    help: "a team proxy's host names, comma-separated, as clients address it (* for any, behind a load balancer that probes by address)",
  },
  tokens: {
    flag: 'tokens',
    env: 'HEADROOM_TOKENS',
    value: text('FILE'),
    help: "the team's tokens (default: tokens.json in Headroom's data directory)",
  },
  store: {
    flag: 'store',
    env: 'HEADROOM_STORE',
    setting: 'storePath',
    value: text('FILE|URL'),
    restarts: true,
    help: "the store file (default: store.sqlite in Headroom's data directory), or a team's PostgreSQL server as postgres://USER@HOST/DB (password from PGPASSWORD or ~/.pgpass)",
  },
  anthropicUpstream: {
    flag: 'anthropic-upstream',
    env: 'HEADROOM_ANTHROPIC_UPSTREAM',
    setting: 'anthropicUpstream',
    default: DEFAULT_ANTHROPIC_UPSTREAM,
    value: httpUrl,
    restarts: true,
    help: 'where Anthropic requests go after compression',
  },
  openaiUpstream: {
    flag: 'openai-upstream',
    env: 'HEADROOM_OPENAI_UPSTREAM',
    setting: 'openaiUpstream',
    default: DEFAULT_OPENAI_UPSTREAM,
    value: httpUrl,
    restarts: true,
    help: 'where OpenAI requests go after compression',
  },
  geminiUpstream: {
    flag: 'gemini-upstream',
    env: 'HEADROOM_GEMINI_UPSTREAM',
    setting: 'geminiUpstream',
    default: DEFAULT_GEMINI_UPSTREAM,
    value: httpUrl,
    restarts: true,
    help: 'where Gemini requests go after compression',
  },
  compression: {
    flag: 'compression',
    env: 'HEADROOM_COMPRESSION',
    setting: 'enabled',
    default: true,
    value: onOff,
    help: 'off: every request passes through unchanged (POST /headroom/toggle switches it while running)',
  },
  minTokens: {
    flag: 'min-tokens',
    env: 'HEADROOM_MIN_TOKENS',
    setting: 'minTokens',
    default: DEFAULT_MIN_TOKENS,
    value: wholeNumber(),
    restarts: true,
    help: 'tool outputs smaller than this are left alone',
  },
  aggressiveness: {
    flag: 'aggressiveness',
    env: 'HEADROOM_AGGRESSIVENESS',
    setting: 'aggressiveness',
    default: 'balanced',
    value: oneOf<Aggressiveness>(AGGRESSIVENESS_LEVELS),
    restarts: true,
    help: 'how much the compressors keep',
  },
  ttlDays: {
    flag: 'ttl-days',
    env: 'HEADROOM_TTL_DAYS',
    setting: 'ttlDays',
    default: DEFAULT_TTL_DAYS,
    value: wholeNumber(1),
    restarts: true,
    help: 'days an unused original stays retrievable',
  },
  historyTokens: {
    flag: 'history-tokens',
    env: 'HEADROOM_HISTORY_TOKENS',
    setting: 'history.thresholdTokens',
    default: DEFAULT_HISTORY_TOKENS,
    value: wholeNumber(),
    restarts: true,
    help: 'from this conversation size, older tool outputs may be rewritten compressed in one step when the cache reads it saves pay for it (0: never)',
  },
  historyKeepTurns: {
    flag: 'history-keep-turns',
    env: 'HEADROOM_HISTORY_KEEP_TURNS',
    setting: 'history.keepTurns',
    default: DEFAULT_HISTORY_KEEP_TURNS,
    value: wholeNumber(1),
    restarts: true,
    help: "the model's last this-many turns are never rewritten",
  },
  embeddingModel: {
    flag: 'embedding-model',
    env: 'HEADROOM_EMBEDDING_MODEL',
    value: text('DIR'),
    help: 'a sentence-embedding model folder (transformers.js layout) that joins BM25 in ranking what is kept (default: what `headroom embeddings fetch` fetched, if anything)',
  },
  embeddingRuntime: {
    flag: 'embedding-runtime',
    env: 'HEADROOM_EMBEDDING_RUNTIME',
    value: text('DIR'),
    help: 'a folder holding node_modules/onnxruntime-node',
  },
  embeddingWeight: {
    flag: 'embedding-weight',
    env: 'HEADROOM_EMBEDDING_WEIGHT',
    default: DEFAULT_EMBEDDING_WEIGHT,
    value: fraction,
    help: 'how much meaning counts against shared words',
  },
  embeddingBudgetMs: {
    flag: 'embedding-budget-ms',
    env: 'HEADROOM_EMBEDDING_BUDGET_MS',
    default: DEFAULT_EMBEDDING_BUDGET_MS,
    value: wholeNumber(),
    help: 'how long a request waits for embeddings',
  },
  noEmbeddings: { flag: 'no-embeddings', switch: true, help: 'relevance by BM25 alone, even with a fetched model' },
} satisfies Record<
  string,
  | ValueOption<never>
  | ValueOption<number>
  | ValueOption<string>
  | ValueOption<boolean>
  | ValueOption<{ host: string; port: number }>
  | SwitchOption
>;

type Table = typeof PROXY_OPTIONS;
type ValueOf<O> = O extends { switch: true } ? boolean : O extends { value: OptionValue<infer T> } ? T : never;
type HasDefault<O> = O extends { default: unknown } ? true : O extends { switch: true } ? true : false;

/** The proxy's options once read: those with a default are always there. */
export type ProxyOptionValues = {
  [K in keyof Table as HasDefault<Table[K]> extends true ? K : never]: ValueOf<Table[K]>;
} & {
  [K in keyof Table as HasDefault<Table[K]> extends true ? never : K]?: ValueOf<Table[K]>;
};

export type ProxyOptionKey = keyof Table;
type AnyOption = ValueOption<unknown> | SwitchOption;
const entries = Object.entries(PROXY_OPTIONS) as [ProxyOptionKey, AnyOption][];
const isSwitch = (option: AnyOption): option is SwitchOption => 'switch' in option;

/** What `util.parseArgs` needs to read the flags. */
export function parseArgsOptions(): Record<string, { type: 'string' | 'boolean' }> {
  return Object.fromEntries(
    entries.map(([, option]) => [option.flag, { type: isSwitch(option) ? 'boolean' : 'string' }]),
  );
}

/** The flags parseArgs read, then the environment, then the defaults. */
export function readProxyOptions(
  flags: Record<string, string | boolean | undefined>,
  env: NodeJS.ProcessEnv,
): ProxyOptionValues {
  const values: Record<string, unknown> = {};
  for (const [key, option] of entries) {
    if (isSwitch(option)) {
      values[key] = flags[option.flag] === true;
      continue;
    }
    const given = (flags[option.flag] as string | undefined) ?? (option.env ? env[option.env] : undefined);
    const value = given === undefined ? option.default : option.value.parse(given, option.flag);
    if (value !== undefined) values[key] = value;
  }
  if (values.noEmbeddings && flags['embedding-model'] !== undefined)
    throw new UsageError('--no-embeddings and --embedding-model contradict each other');
  return values as ProxyOptionValues;
}

/** The command line that launches a proxy with these values (what a supervisor forks). */
export function proxyArguments(values: Partial<ProxyOptionValues>): string[] {
  return entries.flatMap(([key, option]) => {
    const value = (values as Record<string, unknown>)[key];
    if (value === undefined) return [];
    if (isSwitch(option)) return value ? [`--${option.flag}`] : [];
    return [`--${option.flag}`, option.value.format(value)];
  });
}

/** The options as the usage text lists them: the flag with its variable and default, then what it does. */
export function optionsHelp(): string {
  return entries
    .map(([, option]) => {
      if (isSwitch(option)) return `  --${option.flag}\n      ${option.help}`;
      const notes = [
        option.env,
        option.default !== undefined && `default ${option.value.format(option.default)}`,
      ].filter(Boolean);
      return `  --${option.flag} ${option.value.placeholder}${notes.length ? `  (${notes.join(', ')})` : ''}\n      ${option.help}`;
    })
    .join('\n');
}

/** The options the extension's `headroom.*` settings control, by setting key. */
export function settingOptions(): { key: ProxyOptionKey; setting: string; default: unknown; restarts: boolean }[] {
  return entries.flatMap(([key, option]) =>
    isSwitch(option) || !option.setting
      ? []
      : [{ key, setting: option.setting, default: option.default, restarts: option.restarts === true }],
  );
}
