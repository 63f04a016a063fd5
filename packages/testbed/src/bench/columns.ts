// Column sets shared by the operation tables.
import type { ArrayStack } from './arrays/index.js';
import { type Column, opColumns } from './report.js';

/** The standard operation columns plus CSP requests and the array's row counters. */
export function arrayOpColumns(stack: ArrayStack, leading: Column[] = []): Column[] {
  return [
    ...leading,
    ...opColumns.slice(0, 8),
    { key: 'cspPerOp', label: 'CSP req/op' },
    ...stack.rowCounters.map((c) => ({ key: c.key, label: c.label })),
    ...opColumns.slice(8),
  ];
}
