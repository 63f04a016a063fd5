#!/usr/bin/env node
// opencsp-csi-driver. Process settings first (@opencsp/csp-spec/runtime), then the rest of the
// driver: its modules are loaded only after them (cli.ts).
import { applyServiceRuntimeSettings } from '@opencsp/csp-spec/runtime';

applyServiceRuntimeSettings();
const { main } = await import('./cli.js');
main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
