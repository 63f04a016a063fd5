// DSM Web API error codes the simulator answers with. Codes marked "observed" come from existing
// clients and hardware notes (research/synology.md); the few marked "simulator" stand in where the
// real code is not publicly known, and no client should depend on them.

export const codes = {
  // Common codes (every API).
  unknown: 100,
  missingApiMethodVersion: 101,
  noSuchApi: 102,
  noSuchMethod: 103,
  versionUnsupported: 104,
  /** No permission: a non-administrator on SAN APIs, or a missing SynoToken when CSRF is on. */
  noPermission: 105,
  sessionTimeout: 106,
  sessionInterrupted: 107,
  sidNotFound: 119,
  /** The request comes from another IP than the login (sessions are bound to the client IP). */
  sourceIpMismatch: 150,
  // SYNO.API.Auth login.
  badCredentials: 400,
  accountDisabled: 402,
  otpRequired: 403,
  otpRejected: 404,
  ipBlocked: 407,
  // SYNO.Core.Storage.Volume.
  noSuchVolume: 117,
  // SYNO.Core.ISCSI.* (observed).
  outOfSpace: 18990002,
  noSuchObject: 18990004,
  nameTooLong: 18990068,
  lunTypeIncompatible: 18990318,
  badDescription: 18990403,
  badLunType: 18990500,
  illegalName: 18990503,
  badLunUuid: 18990505,
  missingParam: 18990508,
  duplicateSnapshotName: 18990513,
  noSuchLun: 18990531,
  noSuchSnapshot: 18990532,
  duplicateLunName: 18990538,
  lunLimit: 18990541,
  targetLimit: 18990542,
  snapshotLimit: 18990543,
  badTargetAuth: 18990708,
  malformedId: 18990710,
  duplicateTargetName: 18990744,
  // SYNO.Core.ISCSI.* (simulator: real code not publicly documented).
  /** Simulator: a parameter has a value DSM refuses (bad IQN, shrinking a LUN...). */
  badParam: 18990598,
  /** Simulator: another host object already has this name. */
  duplicateHostName: 18990597,
} as const;

export type DsmCode = (typeof codes)[keyof typeof codes];

/** A failure answered as `{success:false, error:{code}}` with HTTP 200, as DSM does. */
export class DsmError extends Error {
  override readonly name = 'DsmError';
  readonly code: number;
  constructor(code: number, detail = '') {
    super(detail ? `DSM error ${code}: ${detail}` : `DSM error ${code}`);
    this.code = code;
  }
}
