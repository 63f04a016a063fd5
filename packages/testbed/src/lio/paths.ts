// Where things live in LIO's configfs tree (relative to /sys/kernel/config/target). One TPG per
// target (tpgt_1); backstores of one bridge live under their own iblock HBA.

export const TPG = 'tpgt_1';

export const lioPaths = {
  hba: (hba: number) => `core/iblock_${hba}`,
  backstore: (hba: number, name: string) => `core/iblock_${hba}/${name}`,
  target: (iqn: string) => `iscsi/${iqn}`,
  tpg: (iqn: string) => `iscsi/${iqn}/${TPG}`,
  portal: (iqn: string, portal: string) => `iscsi/${iqn}/${TPG}/np/${portal}`,
  lun: (iqn: string, lun: number) => `iscsi/${iqn}/${TPG}/lun/lun_${lun}`,
  acl: (iqn: string, initiator: string) => `iscsi/${iqn}/${TPG}/acls/${initiator}`,
  mappedLun: (iqn: string, initiator: string, lun: number) => `iscsi/${iqn}/${TPG}/acls/${initiator}/lun_${lun}`,
};

/** configfs names cannot hold `/`; IQNs, portals and our backstore names never do. */
export function checkName(kind: string, name: string): string {
  if (name === '' || name.includes('/') || name === '.' || name === '..') {
    throw new Error(`${kind} ${JSON.stringify(name)} cannot be a configfs name`);
  }
  return name;
}

export const lunNumber = (entry: string): number | undefined => {
  const match = /^lun_(\d+)$/.exec(entry);
  return match ? Number(match[1]) : undefined;
};
