// The volume a guest node operation works on, read from the E2E_* environment the guest runner
// sets (the same facts a CSI node service gets from the publish context, the node-stage secret
// and the staging path).

export interface Chap {
  username: string;
  password: string;
  /** Mutual CHAP: the target's name and secret, checked by the initiator. */
  usernameIn?: string;
  passwordIn?: string;
}

export interface GuestVolume {
  targetIqn: string;
  /** The LUN's unit serial (VPD page 0x80), as the publish context's serialNumber. */
  serial: string;
  portals: string[];
  lun: number;
  chap: Chap;
  fsType: string;
  stagingPath: string;
  /** For expand: the size the device must reach. */
  requiredBytes: number | undefined;
}

function need(env: NodeJS.ProcessEnv, key: string): string {
  const value = env[key];
  if (!value) {
    throw new Error(`${key} is not set`);
  }
  return value;
}

export function volumeFromEnv(env: NodeJS.ProcessEnv): GuestVolume {
  const portals = need(env, 'E2E_PORTALS').split(',');
  for (const portal of portals) {
    if (!/^[0-9.]+:\d+$/.test(portal)) {
      throw new Error(`E2E_PORTALS: ${JSON.stringify(portal)} is not ip:port`);
    }
  }
  const lun = Number(need(env, 'E2E_LUN'));
  if (!Number.isInteger(lun) || lun < 0) {
    throw new Error('E2E_LUN: expected a LUN number');
  }
  const chap: Chap = { username: need(env, 'E2E_CHAP_USER'), password: need(env, 'E2E_CHAP_PASSWORD') };
  if (env.E2E_CHAP_USER_IN) {
    chap.usernameIn = env.E2E_CHAP_USER_IN;
    chap.passwordIn = need(env, 'E2E_CHAP_PASSWORD_IN');
  }
  const required = env.E2E_REQUIRED_BYTES ? Number(env.E2E_REQUIRED_BYTES) : undefined;
  if (required !== undefined && !(Number.isInteger(required) && required > 0)) {
    throw new Error('E2E_REQUIRED_BYTES: expected a positive byte count');
  }
  return {
    targetIqn: need(env, 'E2E_TARGET_IQN'),
    serial: need(env, 'E2E_LUN_SERIAL'),
    portals,
    lun,
    chap,
    fsType: need(env, 'E2E_FS_TYPE'),
    stagingPath: need(env, 'E2E_STAGING'),
    requiredBytes: required,
  };
}

/** The values that must never reach the console. */
export function volumeSecrets(volume: GuestVolume): string[] {
  return [volume.chap.password, volume.chap.passwordIn].filter((s): s is string => Boolean(s));
}
