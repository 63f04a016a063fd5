export { MemoryGroupSession, type MemoryOptions, MemoryProvider } from './memory-provider.js';
export { MemoryArray, MemorySession, memoryCapacity } from './memory-session.js';
export { contractErrorProblem, type RawResponse, type RawTarget, rawHttp } from './raw-http.js';
