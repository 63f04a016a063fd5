// Process-level settings every opencsp service applies first thing, before loading the rest of
// itself, and how the services load their CommonJS dependencies. A driver or CSP is a
// control-plane service: it waits on the network most of the time and does little work per
// request, so memory counts for more than peak CPU speed.
//
// - Young generation: V8 grows it (new space) from 1 MiB up to 16 MiB per semi-space while a
//   process starts and allocates a lot that lives on (modules, schemas), and never shrinks it:
//   an idle service kept 16-32 MiB of empty new space. It stays at its initial size here, which
//   costs a few more (short) scavenges.
// - Optimizing compiler: V8's top tier (TurboFan), run while a service starts, optimizes start-up
//   work that never runs again (module loading, parsing the CSI proto, compiling schemas) and
//   leaves the process 5-8 MiB larger for good. Start-up therefore runs without it. Once the
//   service is serving (`serviceStarted()`), it is switched on: the request path (HTTP, gRPC,
//   TLS, JSON, logging) then costs about half the CPU per request it costs in the baseline tiers
//   (measured on Node 20: a gRPC unary call 1.25 ms -> 0.6 ms; see docs/benchmarks.md), and only
//   functions that serving makes hot are compiled, so an idle service stays as small as before.
//
// Operators who pass their own flags for either (NODE_OPTIONS or the command line) keep them.
//
// CommonJS libraries (fastify, pino, ws, @grpc/grpc-js, ajv) are loaded with `createRequire`, not
// `import`: for an `import`, Node first scans the library's source for the names it exports, and
// for sources as large as fastify's that scan gets hot enough to be compiled by the optimizing
// compiler, which leaves a service several MiB larger for the rest of its life. `require` needs no
// scan. Types still come from `import type`.
import { setFlagsFromString } from 'node:v8';

const noOpt = '--no-opt';
let optimizerHeldBack = false;

const settings = [
  {
    flag: '--semi-space-growth-factor=1',
    overriddenBy: /--(max|min)[-_]semi[-_]space[-_]size|--semi[-_]space[-_]growth/,
  },
  { flag: noOpt, overriddenBy: /--(no-)?(opt|turbofan)\b/ },
];

/** Applies the settings the operator did not set otherwise; returns the flags applied. */
export function applyServiceRuntimeSettings(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions = process.env.NODE_OPTIONS ?? '',
): string[] {
  const given = [...execArgv, nodeOptions];
  const applied: string[] = [];
  for (const { flag, overriddenBy } of settings) {
    if (!given.some((arg) => overriddenBy.test(arg))) {
      setFlagsFromString(flag);
      applied.push(flag);
      optimizerHeldBack ||= flag === noOpt;
    }
  }
  return applied;
}

/**
 * Called once the service is serving: switches the optimizing compiler back on if start-up ran
 * without it (an operator's own setting is left alone). Returns whether it switched it on.
 */
export function serviceStarted(): boolean {
  if (!optimizerHeldBack) {
    return false;
  }
  optimizerHeldBack = false;
  setFlagsFromString('--opt');
  return true;
}
