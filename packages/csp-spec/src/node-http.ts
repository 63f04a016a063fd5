// Node's `http` and `https` modules for the services, loaded with `require`, not `import`.
//
// For an `import` of a built-in module, Node builds an ES module facade that reads every export of
// the module once. On Node 22 and later `http` has lazy getters (`http.WebSocket`, `CloseEvent`,
// `MessageEvent`) that load Node's bundled undici when read, so `import { Agent } from 'node:http'`
// loads all of undici, which the services never use: on Node 24.22, 13.7 MiB more RSS and 2.4 MiB
// more heap for the process, for its whole life (a bare `node` with the import: 60.6 MiB, with
// `require`: 47.0; Node 20 has no such getters and measures the same either way). `require` reads
// no export it is not asked for. Types still come from `import type`; a test checks that the
// services' sources import neither module directly.
import type * as Http from 'node:http';
import type * as Https from 'node:https';
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export const http = load('node:http') as typeof Http;
export const https = load('node:https') as typeof Https;
