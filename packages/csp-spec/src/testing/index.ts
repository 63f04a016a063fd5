export { MemoryArray, MemoryProvider, MemorySession, memoryCapacity } from './memory-provider.js';
