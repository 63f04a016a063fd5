export {
  MemoryArray,
  MemoryGroupSession,
  type MemoryOptions,
  MemoryProvider,
  MemorySession,
  memoryCapacity,
} from './memory-provider.js';
