export type { AuditReport } from './audit.js';
export { type Account, account } from './auth.js';
export type { AutoBlockSettings } from './autoblock.js';
export { codes, DsmError } from './codes.js';
export { defaultKnobs, type Knobs } from './knobs.js';
export { type ModelSpec, modelNames, modelSpec, type VolumeSpec } from './models.js';
export { totp } from './otp.js';
export { lunAccess, lunWwid, PortalError, type PortalLogin, type VisibleLun } from './portal.js';
export {
  type BackingLookup,
  DsmSimulator,
  type DsmSimulatorOptions,
  defaultAdmin,
  type ScriptedFault,
} from './simulator.js';
