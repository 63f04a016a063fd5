export { refusedLoginThroughCsp, removeHostThroughCsp, volumeThroughCsp } from './csp-admin.js';
export { CspProblem, type MemoryBackend, memoryBackend } from './memory.js';
export {
  quickDsmKnobs,
  type SynologyBackend,
  type SynologyBackendOptions,
  synologyBackend,
} from './synology.js';
export { leakLines, type TrueNasBackend, type TrueNasBackendOptions, truenasBackend } from './truenas.js';
export { truenasLuns } from './truenas-luns.js';
export type { BackendFixture, CreateFault, HostView, LunSource } from './types.js';
