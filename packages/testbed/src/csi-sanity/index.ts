// The pieces of `pnpm sanity` other suites reuse: the skip list, the report reader/writer, one run.
export { findCsiSanity, upstreamBinDir } from './binary.js';
export { type EvaluateOptions, evaluate } from './evaluate.js';
export { type SanityFiles, secretKeys, writeSanityFiles, writeSecretDir } from './files.js';
export { escapeXml, type Outcome, parseJUnit, type ReportCase, renderJUnit, type SpecResult } from './junit.js';
export {
  type AccessType,
  accessTypes,
  type Backend,
  backends,
  type Combination,
  combinationName,
  combinations,
  type Protocol,
  protocols,
} from './matrix.js';
export { type RunOptions, type RunResult, runCombination } from './run.js';
export { expectedSkips, type SkipEntry, skipList, skipReason } from './skips.js';
