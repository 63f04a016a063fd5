// The CLI and the library entry must never load vitest (a vendor runs the CLI without it), and
// the suite must not load fastify (it talks to CSPs, it does not serve one).
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** Every module specifier reachable from `entry` through relative imports (type-only imports excluded). */
function reachable(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) {
      return;
    }
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^(?:import|export)(?! type)[^'"]*?from '([^']+)'/gm)) {
      const spec = match[1] as string;
      if (spec.startsWith('.')) {
        visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      } else {
        packages.add(
          spec
            .split('/')
            .slice(0, spec.startsWith('@') ? 2 : 1)
            .join('/'),
        );
      }
    }
  };
  visit(resolve(src, entry));
  return { files, packages };
}

describe('module boundaries', () => {
  it('keeps vitest and fastify out of the CLI and the library', () => {
    for (const entry of ['conformance/cli.ts', 'conformance/index.ts']) {
      const { packages } = reachable(entry);
      const foreign = [...packages].filter((p) => !p.startsWith('node:') && !['ajv', 'undici', 'yaml'].includes(p));
      expect(foreign, entry).toEqual([]);
    }
  });

  it('loads vitest only from the adapter', () => {
    expect(reachable('conformance/vitest.ts').packages.has('vitest')).toBe(true);
  });
});
