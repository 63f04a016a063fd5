// Command-line and environment configuration with typed parsers and clear errors. Every service
// (CSPs, simulators, the driver) declares its options once; `--help` text comes from the same table.

export interface OptionSpec<T> {
  /** Long flag without dashes, e.g. `port` for `--port`. */
  flag: string;
  /** Environment variable consulted when the flag is absent. */
  env?: string;
  description: string;
  parse: (raw: string) => T;
  default?: T;
  required?: boolean;
  /** Never echo the value in errors or help. */
  secret?: boolean;
}

export type OptionTable = Record<string, OptionSpec<unknown>>;
export type OptionValues<Table extends OptionTable> = {
  [K in keyof Table]: Table[K] extends OptionSpec<infer T> ? T : never;
};

export class OptionsError extends Error {
  override readonly name = 'OptionsError';
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.problems = problems;
  }
}

export const parsers = {
  string: (raw: string): string => raw,
  int:
    (min: number, max: number) =>
    (raw: string): number => {
      const value = Number(raw);
      if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
        throw new Error(`must be an integer from ${min} to ${max}`);
      }
      return value;
    },
  bool: (raw: string): boolean => {
    const lower = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(lower)) {
      return true;
    }
    if (['0', 'false', 'no', 'off'].includes(lower)) {
      return false;
    }
    throw new Error('must be true or false');
  },
  oneOf:
    <T extends string>(...allowed: T[]) =>
    (raw: string): T => {
      if (!(allowed as string[]).includes(raw)) {
        throw new Error(`must be one of ${allowed.join(', ')}`);
      }
      return raw as T;
    },
  list: (raw: string): string[] =>
    raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  /** Durations like `30s`, `5m`, `1500ms`, `2h`; a bare number is milliseconds. */
  duration: (raw: string): number => {
    const match = /^(\d+)(ms|s|m|h)?$/.exec(raw.trim());
    if (!match) {
      throw new Error('must be a duration such as 500ms, 30s, 5m or 1h');
    }
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 'ms') as 'ms' | 's' | 'm' | 'h'];
    return Number(match[1]) * unit;
  },
};

function rawArgs(argv: readonly string[]): { values: Map<string, string>; unknown: string[]; help: boolean } {
  const values = new Map<string, string>();
  const unknown: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    const match = /^--([a-z0-9-]+)(?:=(.*))?$/i.exec(arg);
    if (!match) {
      unknown.push(arg);
      continue;
    }
    const name = match[1] as string;
    if (match[2] !== undefined) {
      values.set(name, match[2]);
    } else if (i + 1 < argv.length && !(argv[i + 1] as string).startsWith('--')) {
      values.set(name, argv[++i] as string);
    } else {
      values.set(name, 'true');
    }
  }
  return { values, unknown, help };
}

export function helpText(program: string, table: OptionTable): string {
  const lines = [`usage: ${program} [options]`, ''];
  for (const spec of Object.values(table)) {
    const env = spec.env ? ` (env ${spec.env})` : '';
    const def = spec.default !== undefined && !spec.secret ? ` [default: ${String(spec.default)}]` : '';
    const req = spec.required ? ' (required)' : '';
    lines.push(`  --${spec.flag}${env}${req}${def}`, `      ${spec.description}`);
  }
  return lines.join('\n');
}

/**
 * Reads every option from argv (first) or the environment. Collects all problems before failing,
 * so a user fixes their configuration in one go. Returns `help: true` when --help was given.
 */
export function parseOptions<Table extends OptionTable>(
  table: Table,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
): { values: OptionValues<Table>; help: boolean } {
  const { values: raw, unknown, help } = rawArgs(argv);
  const problems = unknown.map((arg) => `unexpected argument ${JSON.stringify(arg)}`);
  const known = new Set(Object.values(table).map((s) => s.flag));
  for (const name of raw.keys()) {
    if (!known.has(name)) {
      problems.push(`unknown option --${name}`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table)) {
    const fromFlag = raw.get(spec.flag);
    const fromEnv = spec.env ? env[spec.env] : undefined;
    const source = fromFlag !== undefined ? `--${spec.flag}` : `${spec.env}`;
    const text = fromFlag ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined);
    if (text === undefined) {
      if (spec.required && !help) {
        problems.push(`--${spec.flag}${spec.env ? ` (or ${spec.env})` : ''} is required: ${spec.description}`);
      }
      out[key] = spec.default;
      continue;
    }
    try {
      out[key] = spec.parse(text);
    } catch (err) {
      const shown = spec.secret ? '' : ` ${JSON.stringify(text)}`;
      problems.push(`${source}${shown} ${(err as Error).message}`);
    }
  }
  if (problems.length > 0 && !help) {
    throw new OptionsError(problems);
  }
  return { values: out as OptionValues<Table>, help };
}
