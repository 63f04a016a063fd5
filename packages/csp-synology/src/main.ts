#!/usr/bin/env node
// csp-synology. Process settings first (@opencsp/csp-spec/runtime), then the rest of the CSP: its
// modules are loaded only after them (cli.ts). Once it serves, the optimizing compiler comes on.
import { applyServiceRuntimeSettings, serviceStarted } from '@opencsp/csp-spec/runtime';

applyServiceRuntimeSettings();
const { main, failed } = await import('./cli.js');
main().then(serviceStarted, failed);
