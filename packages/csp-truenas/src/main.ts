#!/usr/bin/env node
// csp-truenas. Process settings first (@opencsp/csp-spec/runtime), then the rest of the CSP: its
// modules are loaded only after them (cli.ts).
import { applyServiceRuntimeSettings } from '@opencsp/csp-spec/runtime';

applyServiceRuntimeSettings();
const { main } = await import('./cli.js');
main().catch((err: unknown) => {
  console.error(`csp-truenas: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
