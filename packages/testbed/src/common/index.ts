export { BackingStore } from './backing-store.js';
export { CallCounter } from './call-counter.js';
export { type Cleanups, cleanups } from './cleanups.js';
export { type Fault, FaultInjector, type FaultSettings, noFaults } from './faults.js';
export { type SimRouteHandler, SimRoutes } from './sim-routes.js';
export {
  type ServingFiles,
  selfSignedCertificate,
  signedServingCertificate,
  type TestPki,
  type TlsMaterial,
  testCertificateAuthority,
  testPki,
  writeServingFiles,
} from './tls.js';
