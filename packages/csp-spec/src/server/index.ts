export { buildCspApp, type CspApp, type CspAppOptions, type ResponseValidation } from './app.js';
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
export { KeyedMutex } from './locks.js';
export { createLogger, loggerOptions, secretKeys } from './logging.js';
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
