export { applyOp, describeOp } from './apply.js';
export { LioBridge, type LioBridgeOptions } from './bridge.js';
export { type ConfigFs, type EntryKind, KernelConfigFs, LIO_ROOT } from './configfs.js';
export { KernelLoops, type LoopDevices } from './loops.js';
export type * from './model.js';
export { lioNaa, parseUnitSerial } from './naa.js';
export { lioPaths } from './paths.js';
export { type LioOp, planLio } from './plan.js';
export { readLio, readSessions } from './read.js';
