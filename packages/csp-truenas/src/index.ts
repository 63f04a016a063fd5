// @opencsp/csp-truenas: the TrueNAS Container Storage Provider (JSON-RPC 2.0 over WebSocket).
export { buildTrueNasCsp } from './app.js';
export { capabilities, cspVersion } from './capacity.js';
export { decodePath, encodePath, leafFor, Names } from './naming.js';
export { arrayPolicy, loadConfig, optionTable, type TrueNasCspConfig } from './options.js';
export { prop as userProperty } from './props.js';
export { TrueNasProvider } from './provider.js';
export { TrueNasSession } from './session.js';
export { type CallOptions, type ClientOptions, TrueNasClient } from './truenas/client.js';
export { CallTimeout, ConnectionLost, LoginRefused, RpcFailure, TrueNasError } from './truenas/errors.js';
export { isApiKey, type LoginCredentials } from './truenas/login.js';
export { toProblem } from './truenas/problems.js';
export { configKeys, type VolumeDefaults } from './volume-config.js';
