#!/usr/bin/env node
// opencsp-csi-driver: parses options, serves the CSI services for the chosen mode on a unix
// socket, and shuts down gracefully on SIGTERM/SIGINT.
import { helpText, OptionsError } from '@opencsp/csp-spec/options';
import { driverOptionTable, parseDriverOptions } from './options.js';
import { runDriver } from './run.js';

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseDriverOptions>;
  try {
    parsed = parseDriverOptions(process.argv.slice(2));
  } catch (err) {
    if (err instanceof OptionsError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  if (parsed.help) {
    console.log(helpText('opencsp-csi-driver', driverOptionTable));
    return;
  }
  await runDriver(parsed.values);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
