// What the LIO target bridge wants the kernel's iSCSI target to serve, and what it finds there: a
// small model of LIO's configfs tree (one TPG per target, iblock backstores on loop devices over
// an array simulator's sparse files). The array side (e.g. the TrueNAS simulator's tables) is
// turned into a `LioConfig`; `readLio` reads the same shape back from configfs.

export interface Chap {
  user: string;
  secret: string;
  /** Mutual CHAP: the name and secret the target answers with. */
  mutualUser?: string;
  mutualSecret?: string;
}

export interface LioBackstore {
  /** configfs name of the storage object (under core/iblock_<hba>/). */
  name: string;
  /** The sparse file holding the LUN's data (attached through a loop device). */
  file: string;
  /** VPD page 0x80 unit serial; LIO derives the NAA of page 0x83 from it and the company id. */
  serial: string;
  /** IEEE company id (24-bit OUI) of the NAA designator. */
  companyId: number;
}

export interface LioMappedLun {
  lun: number;
  writeProtect: boolean;
}

export interface LioAcl {
  initiator: string;
  chap: Chap | undefined;
  luns: LioMappedLun[];
}

export interface LioTarget {
  iqn: string;
  /** Network portals as `ip:port`. */
  portals: string[];
  /** LUN number → backstore name. */
  luns: Array<{ lun: number; backstore: string }>;
  acls: LioAcl[];
  /** Any initiator may log in (LIO's generate_node_acls); `acls` is then empty. */
  openAccess: boolean;
  /** CHAP is required (TPG attribute `authentication`). */
  authentication: boolean;
  /** With open access: the TPG-wide CHAP account (tpgt_1/auth). */
  tpgChap: Chap | undefined;
}

export interface LioConfig {
  backstores: LioBackstore[];
  targets: LioTarget[];
}

/** A backstore as found: its loop device and that device's size. */
export interface FoundBackstore extends LioBackstore {
  device: string;
  deviceBytes: number;
  /** The backing file's current size (grows when the array grows the volume). */
  fileBytes: number;
}

export interface FoundConfig {
  backstores: FoundBackstore[];
  targets: LioTarget[];
}

/** A logged-in initiator, as the target reports it. */
export interface LioSession {
  target: string;
  initiator: string;
  address: string | undefined;
}
