import { readFileSync } from 'node:fs';

/** Text of a fixture under test/fixtures/host (real or faithfully modelled tool output). */
export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/host/${name}`, import.meta.url), 'utf8');
}
