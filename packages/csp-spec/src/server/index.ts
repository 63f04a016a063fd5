export { buildCspApp, type CspApp, type CspAppOptions, type ResponseValidation } from './app.js';
export { ArrayTrust, certificateFingerprints, UntrustedCertificate } from './array-tls.js';
export {
  type ArrayAddress,
  ArrayPolicy,
  type ArrayPolicySettings,
  type ArraySchemes,
  type ArrayTarget,
  parseArrayAddress,
} from './arrays.js';
export { type CapabilityClaims, describeCapabilities } from './capabilities.js';
export { type ContractRoute, contractRoutes, dereference, type JsonSchema } from './contract.js';
export {
  CspProblem,
  errorBody,
  invalidInput,
  isCspProblem,
  notFound,
  notImplemented,
  statusForReason,
} from './errors.js';
export { checkMembers } from './groups.js';
export { KeyedMutex } from './locks.js';
export { createLogger, loggerOptions, secretKeys } from './logging.js';
export {
  type LoginAttempt,
  LoginGuard,
  type LoginGuardSettings,
  type LoginOutcome,
  loginGuardOptions,
  loginGuardSettingNames,
  loginGuardSettings,
} from './login-guard.js';
export { paginate } from './paging.js';
export { type PollOptions, pollUntil } from './poll.js';
export type {
  ArraySession,
  Credentials,
  CspProvider,
  Page,
  PageRequest,
  SnapshotFilter,
} from './provider.js';
export { type ServeOptions, serveCsp } from './serve.js';
export { type Serving, servingFromOptions, servingOptionTable, servingProblems } from './serving-options.js';
export { type CertificatePair, CertificateReloader, readCertificatePair, type ServingTls } from './serving-tls.js';
export { type TokenEntry, TokenStore } from './tokens.js';
export { ContractViolation, requestValidator, responseProblem } from './validation.js';
