// Command line of `pnpm bench`: which benchmarks, how big, where the JSON goes.
import { parseArgs } from 'node:util';
import type { Profile } from './report.js';

export interface CliOptions {
  only: string[] | undefined;
  profile: Profile;
  json: string | undefined;
  markdown: string | undefined;
  help: boolean;
}

export const usage = `usage: node packages/testbed/dist/bench/main.js [--only name,...] [--quick] [--json out.json] [--markdown out.md]

  --only a,b    run only these benchmarks (default: all, in the order listed below)
  --quick       reduced sizes: the whole set in well under a minute
  --json file   also write the report (machine info, every table and note) as JSON
  --markdown f  also write the tables as Markdown (what docs/benchmarks.md quotes)
  --help        this text`;

export function parseCli(argv: string[], known: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
      json: { type: 'string' },
      markdown: { type: 'string' },
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
  for (const flag of ['json', 'markdown'] as const) {
    if (values[flag] === '') {
      throw new Error(`--${flag}: give a file name`);
    }
  }
  return {
    only,
    profile: values.quick ? 'quick' : 'full',
    json: values.json,
    markdown: values.markdown,
    help: values.help ?? false,
  };
}
