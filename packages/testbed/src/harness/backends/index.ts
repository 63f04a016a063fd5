export { removeHostThroughCsp } from './csp-admin.js';
export { CspProblem, type MemoryBackend, memoryBackend } from './memory.js';
export { leakLines, type TrueNasBackend, type TrueNasBackendOptions, truenasBackend } from './truenas.js';
export { truenasLuns } from './truenas-luns.js';
export type { BackendFixture, CreateFault, HostView, LunSource } from './types.js';
