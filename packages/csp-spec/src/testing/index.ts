export {
  MemoryArray,
  MemoryGroupSession,
  type MemoryOptions,
  MemoryProvider,
  MemorySession,
  memoryCapacity,
} from './memory-provider.js';
export { contractErrorProblem, type RawResponse, type RawTarget, rawHttp } from './raw-http.js';
