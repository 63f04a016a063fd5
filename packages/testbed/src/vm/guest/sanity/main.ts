#!/usr/bin/env node
// Guest entry of the VM sanity run: `node main.js up|down`, called by vm/guest/sanity.sh with the
// host's node binary. `up` starts the stack (stack.ts) and leaves it running; `down` stops it.
// Settings come from the environment the runner sets: E2E_SANITY_DIR, E2E_SANITY_DATA, E2E_CHAP.
// A failure prints its reason on stderr, writes it to $E2E_REASON_FILE and exits 1.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stackDown, stackUp } from './stack.js';

const repo = fileURLToPath(new URL('../../../../../../', import.meta.url)).replace(/\/$/, '');

function need(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set`);
  }
  return value;
}

async function main(): Promise<number> {
  const command = process.argv[2];
  try {
    const dir = need('E2E_SANITY_DIR');
    if (command === 'up') {
      const chap = process.env.E2E_CHAP === 'mutual' ? 'mutual' : 'oneway';
      const files = await stackUp({ repo, node: process.execPath, dir, dataDir: need('E2E_SANITY_DATA'), chap });
      console.log(`e2e: stack up: driver on ${files.endpoint}, CHAP ${chap}`);
      return 0;
    }
    if (command === 'down') {
      const problems = await stackDown(dir);
      if (problems.length > 0) {
        throw new Error(problems.join('; '));
      }
      return 0;
    }
    console.error('usage: main.js up|down');
    return 2;
  } catch (error) {
    const reason = `sanity ${command}: ${(error as Error).message}`;
    console.error(reason);
    if (process.env.E2E_REASON_FILE) {
      writeFileSync(process.env.E2E_REASON_FILE, `${reason}\n`);
    }
    return 1;
  }
}

process.exitCode = await main();
