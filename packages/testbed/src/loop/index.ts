export { detachLoopsUnder, loopsUnder, mountsUnder, unmountUnder } from './cleanup.js';
export { hasSysResource, requireLoopEnvironment } from './environment.js';
export { attachLoop, detachLoop, loopDevicesOf, refreshLoopSize } from './losetup.js';
export { handleNodeApi, nodeApiPrefix } from './node-api.js';
export type { NodeSide } from './node-side.js';
export { type RemoteNodeSide, type RemoteNodeSideOptions, remoteNodeSide } from './remote.js';
export { type BackingResolver, type LoopSessions, LoopTransport, type LoopTransportOptions } from './transport.js';
