#!/usr/bin/env node
// csp-synology. Process settings first (@opencsp/csp-spec/runtime), then the rest of the CSP: its
// modules are loaded only after them (cli.ts).
import { applyServiceRuntimeSettings } from '@opencsp/csp-spec/runtime';

applyServiceRuntimeSettings();
const { main, failed } = await import('./cli.js');
main().catch(failed);
