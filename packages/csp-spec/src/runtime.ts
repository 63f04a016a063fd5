// Process-level settings every opencsp service applies first thing, before loading the rest of
// itself, and how the services load their CommonJS dependencies.
//
// CommonJS libraries (fastify, pino, ws, @grpc/grpc-js, ajv) are loaded with `createRequire`, not
// `import`: for an `import`, Node first scans the library's source for the names it exports, and
// for sources as large as fastify's that scan gets hot enough to be compiled by the optimizing
// compiler, which leaves a service several MiB larger for the rest of its life. `require` needs no
// scan. Types still come from `import type`.
// V8 grows its young generation (new space) from 1 MiB up to 16 MiB per semi-space while
// a process starts and allocates a lot that lives on (modules, schemas); it never shrinks it back,
// so an idle driver or CSP kept 16–32 MiB of empty new space. Control-plane services allocate
// little per request: a young generation that stays small costs a few more (short) scavenges and
// saves that memory. Operators who pass their own semi-space flag keep it.
import { setFlagsFromString } from 'node:v8';

const semiSpaceFlag = /--(max|min)[-_]semi[-_]space[-_]size|--semi[-_]space[-_]growth[-_]factor/;

/** Stops the young generation from growing past its initial size, unless a flag says otherwise. */
export function keepYoungGenerationSmall(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions = process.env.NODE_OPTIONS ?? '',
): boolean {
  if ([...execArgv, nodeOptions].some((arg) => semiSpaceFlag.test(arg))) {
    return false;
  }
  setFlagsFromString('--semi-space-growth-factor=1');
  return true;
}
