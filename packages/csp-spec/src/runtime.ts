// Process-level settings every opencsp service applies first thing, before loading the rest of
// itself, and how the services load their CommonJS dependencies. A driver or CSP is a
// control-plane service: it waits on the network most of the time and does little work per
// request, so memory counts for more than peak CPU speed.
//
// - Young generation: V8 grows it (new space) from 1 MiB up to 16 MiB per semi-space while a
//   process starts and allocates a lot that lives on (modules, schemas), and never shrinks it:
//   an idle service kept 16-32 MiB of empty new space. It stays at its initial size here, which
//   costs a few more (short) scavenges.
// - Optimizing compiler: V8's top tier (TurboFan) costs a service 5-8 MiB at start (the
//   compiler's own code and memory, and the code it makes), and more once it serves: switched on
//   only after start-up, the driver and the CSPs grew by 23-28 MiB over 10,000 CSI operations
//   instead of 9-13. In exchange it about halves the CPU of the request path once warm (Node 20:
//   one gRPC unary call 1.25 -> 0.6 ms, one HTTPS request 0.68 -> 0.47 ms, client and server
//   together; docs/benchmarks.md). On Node 24.22 with Maglev off it started 6-8 MiB larger and
//   grew 10.4-13.7 MiB instead of 8.3-11, with or without MALLOC_ARENA_MAX=1. The services run
//   without it; an operator who would rather spend memory than CPU sets `OPENCSP_V8_FLAGS=--opt`.
// - Mid-tier compiler (Maglev, on by default since Node 22; off in Node 20): on Node 24.22 the
//   services grew by 11-28 MiB over 10,000 CSI operations with it and by 7.5-11 without it; the
//   driver's CPU per RPC moved within this machine's noise (all four kinds of RPC together 9.5-12.7
//   ms with it, 11.9-13.0 without; docs/benchmarks.md, "On the shipped runtime (Node 24)"). So it
//   is off where it is on by default; `OPENCSP_V8_FLAGS=--maglev` turns it on. The extra memory is
//   glibc malloc's, about half in the per-thread arenas V8's compile threads use (measured in
//   /proc/PID/smaps); capping the arenas (MALLOC_ARENA_MAX=1) moves it into the main arena instead
//   of saving it, so that is not a default either (docs/benchmarks.md, "glibc's malloc arenas").
//
// - Heap sizing (`--optimize-for-size`): V8 grows and keeps the old generation for speed; with
//   it, V8 sizes the heap for memory (smaller growth steps, more compaction). Over 10,000 CSI
//   operations the committed old generation grew by 0.2-3 MiB instead of 4-7 (heap in use: the
//   same), and the driver's CPU per RPC did not change measurably (docs/benchmarks.md).
//
// Operators who pass their own flags for any of these (the command line, NODE_OPTIONS, or
// OPENCSP_V8_FLAGS) keep them. Node refuses most V8 flags in NODE_OPTIONS (`--opt`, `--maglev`:
// "is not allowed in NODE_OPTIONS"), so a container sets them in OPENCSP_V8_FLAGS (space-separated,
// e.g. `--opt`), which is applied here before anything else loads.
//
// CommonJS libraries (fastify, pino, ws, @grpc/grpc-js, ajv) are loaded with `createRequire`, not
// `import`: for an `import`, Node first scans the library's source for the names it exports, and
// for sources as large as fastify's that scan gets hot enough to be compiled by the optimizing
// compiler, which leaves a service several MiB larger for the rest of its life. `require` needs no
// scan. Types still come from `import type`.
import { setFlagsFromString } from 'node:v8';

interface Setting {
  flag: string;
  /** An operator's flag that sets the same thing (then this setting is left out). */
  overriddenBy: RegExp;
  /** Node.js majors the setting is for (default: every one). */
  forMajor?: (major: number) => boolean;
}

const settings: Setting[] = [
  {
    flag: '--semi-space-growth-factor=1',
    overriddenBy: /--(max|min)[-_]semi[-_]space[-_]size|--semi[-_]space[-_]growth/,
  },
  { flag: '--no-opt', overriddenBy: /--(no-)?(opt|turbofan)\b/ },
  // Node 20's V8 (11.3) has Maglev off (experimental); it is on from Node 22 (V8 12.4).
  { flag: '--no-maglev', overriddenBy: /--(no-)?maglev(?![\w-])/, forMajor: (major) => major >= 22 },
  { flag: '--optimize-for-size', overriddenBy: /--(no-)?optimize[-_]for[-_]size\b/ },
];

/** The flags a service sets on this Node.js major unless the operator set them otherwise. */
export function defaultServiceFlags(major = Number.parseInt(process.versions.node, 10)): string[] {
  return settings.filter((s) => s.forMajor?.(major) ?? true).map((s) => s.flag);
}

/** The operator's OPENCSP_V8_FLAGS: V8 flags (each `--name` or `--name=value`), space-separated. */
export function parseV8Flags(value: string): string[] {
  const flags = value.split(/\s+/).filter((f) => f !== '');
  const bad = flags.find((f) => !/^--[a-z0-9][a-z0-9_-]*(=\S+)?$/i.test(f));
  if (bad !== undefined) {
    throw new Error(`OPENCSP_V8_FLAGS: ${JSON.stringify(bad)} is not a V8 flag (--name or --name=value)`);
  }
  return flags;
}

/**
 * Applies the operator's OPENCSP_V8_FLAGS, then the settings the operator did not set otherwise;
 * returns the flags applied.
 */
export function applyServiceRuntimeSettings(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions = process.env.NODE_OPTIONS ?? '',
  v8Flags = process.env.OPENCSP_V8_FLAGS ?? '',
  major = Number.parseInt(process.versions.node, 10),
): string[] {
  const own = parseV8Flags(v8Flags);
  const given = [...execArgv, nodeOptions, ...own];
  const applied: string[] = [];
  for (const flag of own) {
    setFlagsFromString(flag);
    applied.push(flag);
  }
  for (const { flag, overriddenBy, forMajor } of settings) {
    if ((forMajor?.(major) ?? true) && !given.some((arg) => overriddenBy.test(arg))) {
      setFlagsFromString(flag);
      applied.push(flag);
    }
  }
  return applied;
}
