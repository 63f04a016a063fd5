// The CSP conformance suite as a library: run it against any CSP and format the report. The CLI
// (`csp-conformance`) and the vitest adapter (`@opencsp/csp-spec/conformance/vitest`) build on it.
export { ContractApi } from './api.js';
export { allCases, type CaseInfo, cleanupCase, listCases, selectCases } from './cases/index.js';
export { CaseContext, Fixtures } from './context.js';
export { ConformanceOptionsError, ConformanceUnreachable } from './errors.js';
export { CaseFailure, NotClaimed } from './expect.js';
export type { Exchange, ProbeRequest } from './probe.js';
export { contractBaseUrl } from './probe.js';
export { formatReport } from './report.js';
export { ConformanceRun, defaultSizeBytes, runConformance } from './run.js';
export type {
  Area,
  CaseFailureDetail,
  CaseResult,
  CaseStatus,
  ConformanceCase,
  ConformanceHooks,
  ConformanceOptions,
  ConformanceReport,
  ConformanceTarget,
  ShownRequest,
} from './types.js';
