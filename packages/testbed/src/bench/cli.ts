// Command line of `pnpm bench`: which benchmarks, how big, where the JSON goes.
import { parseArgs } from 'node:util';
import type { Profile } from './report.js';

export interface CliOptions {
  only: string[] | undefined;
  profile: Profile;
  json: string | undefined;
  help: boolean;
}

export const usage = `usage: node packages/testbed/dist/bench/main.js [--only name,...] [--quick] [--json out.json]

  --only a,b    run only these benchmarks (default: all, in the order listed below)
  --quick       reduced sizes: the whole set in well under a minute
  --json file   also write the report (machine info, every table and note) as JSON
  --help        this text`;

export function parseCli(argv: string[], known: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  let only: string[] | undefined;
  if (values.only !== undefined) {
    only = values.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = only.filter((name) => !known.includes(name));
    if (only.length === 0 || unknown.length > 0) {
      throw new Error(`--only: unknown benchmark ${unknown.join(', ') || '(none given)'}; known: ${known.join(', ')}`);
    }
  }
  if (values.json === '') {
    throw new Error('--json: give a file name');
  }
  return { only, profile: values.quick ? 'quick' : 'full', json: values.json, help: values.help ?? false };
}
