export { attachLoop, detachLoop, loopDevicesOf, refreshLoopSize } from './losetup.js';
export { type BackingResolver, LoopTransport, type LoopTransportOptions } from './transport.js';
