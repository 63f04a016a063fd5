export { detachLoopsUnder, loopsUnder, mountsUnder, unmountUnder } from './cleanup.js';
export { hasSysResource, requireLoopEnvironment } from './environment.js';
export { attachLoop, detachLoop, loopDevicesOf, refreshLoopSize } from './losetup.js';
export { type BackingResolver, type LoopSessions, LoopTransport, type LoopTransportOptions } from './transport.js';
