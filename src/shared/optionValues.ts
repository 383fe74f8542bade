/** A bad option or argument: shown with the command's usage, exit status 2. */
export class UsageError extends Error {}

/** How one option's text becomes a value and back (for the arguments a supervisor passes). */
export interface OptionValue<T> {
  /** What the usage shows after the flag: `N`, `URL`. */
  placeholder: string;
  parse(text: string, flag: string): T;
  format(value: T): string;
}

export function wholeNumber(min = 0, max = Number.MAX_SAFE_INTEGER): OptionValue<number> {
  return {
    placeholder: 'N',
    parse(text, flag) {
      if (!/^\d+$/.test(text)) throw new UsageError(`--${flag} takes a whole number, not "${text}"`);
      const value = Number(text);
      if (value < min || value > max) throw new UsageError(`--${flag} must be from ${min} to ${max}, not ${value}`);
      return value;
    },
    format: String,
  };
}

/** A number from 0 to 1 (a weight). */
export const fraction: OptionValue<number> = {
  placeholder: 'W',
  parse(text, flag) {
    const value = Number(text);
    if (text.trim() === '' || !(value >= 0 && value <= 1))
      throw new UsageError(`--${flag} takes a number from 0 to 1, not "${text}"`);
    return value;
  },
  format: String,
};

export function oneOf<T extends string>(choices: readonly T[]): OptionValue<T> {
  return {
    placeholder: choices.join('|'),
    parse(text, flag) {
      if (!(choices as readonly string[]).includes(text))
        throw new UsageError(`--${flag} must be one of ${choices.join(', ')}, not "${text}"`);
      return text as T;
    },
    format: (value) => value,
  };
}

export const onOff: OptionValue<boolean> = {
  placeholder: 'on|off',
  parse: (text, flag) => oneOf(['on', 'off'] as const).parse(text, flag) === 'on',
  format: (value) => (value ? 'on' : 'off'),
};

export const httpUrl: OptionValue<string> = {
  placeholder: 'URL',
  parse(text, flag) {
    let protocol: string | undefined;
    try {
      protocol = new URL(text).protocol;
    } catch {
      // reported below
    }
    if (protocol !== 'http:' && protocol !== 'https:')
      throw new UsageError(`--${flag} must be an http(s) URL, not "${text}"`);
    return text;
  },
  format: (value) => value,
};

/** `HOST:PORT`, with an IPv6 address in brackets (`[::]:8787`). */
export const hostPort: OptionValue<{ host: string; port: number }> = {
  placeholder: 'HOST:PORT',
  parse(text, flag) {
    const match = /^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+):(\d{1,5})$/.exec(text);
    if (!match || Number(match[2]) > 65_535)
      throw new UsageError(`--${flag} takes HOST:PORT (such as 0.0.0.0:8787 or [::]:8787), not "${text}"`);
    return { host: match[1], port: Number(match[2]) };
  },
  format: ({ host, port }) => `${host}:${port}`,
};

export function text(placeholder: string): OptionValue<string> {
  return { placeholder, parse: (value) => value, format: (value) => value };
}

/** An optional whole-number argument of a command's own (not a table option). */
export function parseCount(value: string | undefined, flag: string): number | undefined {
  return value === undefined ? undefined : wholeNumber().parse(value, flag.replace(/^--/, ''));
}
