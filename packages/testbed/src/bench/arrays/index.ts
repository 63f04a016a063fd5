import { startDsm } from './dsm.js';
import { startMemory } from './memory.js';
import { startTrueNas } from './truenas.js';
import type { ArrayKind, ArrayOptions, ArrayStack } from './types.js';

export { dsmKnobs } from './dsm.js';
export * from './types.js';

export function startArray(kind: ArrayKind, options: ArrayOptions = {}): Promise<ArrayStack> {
  switch (kind) {
    case 'truenas':
      return startTrueNas(options);
    case 'dsm':
      return startDsm(options);
    case 'memory':
      return startMemory();
  }
}
