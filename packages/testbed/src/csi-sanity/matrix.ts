// What `pnpm sanity` runs: each array simulator behind its CSP, with volumes of each access type,
// over iSCSI; and the TrueNAS simulator over NVMe/TCP (the StorageClass's accessProtocol nvmetcp)
// with mounted volumes. Block volumes over NVMe/TCP take the same loop device and node code as
// mounted ones; the real kernel's NVMe block path is the VM suite's (nvme:plain, nvme:dhchap).
export const backends = ['truenas', 'synology'] as const;
export type Backend = (typeof backends)[number];

export const accessTypes = ['mount', 'block'] as const;
export type AccessType = (typeof accessTypes)[number];

export const protocols = ['iscsi', 'nvmetcp'] as const;
export type Protocol = (typeof protocols)[number];

export interface Combination {
  backend: Backend;
  access: AccessType;
  /** Default iscsi. */
  protocol?: Protocol;
}

/** `truenas-mount`, `truenas-nvmetcp-mount`: used for report and log file names. */
export function combinationName(c: Combination): string {
  return c.protocol === 'nvmetcp' ? `${c.backend}-nvmetcp-${c.access}` : `${c.backend}-${c.access}`;
}

/** Whether a simulator serves the protocol (DSM has no NVMe-oF target). */
function serves(backend: Backend, protocol: Protocol): boolean {
  return protocol === 'iscsi' || backend === 'truenas';
}

/** The runs for the selected backends, access types and protocols, in that order. */
export function combinations(
  selected: { backends: readonly Backend[]; access: readonly AccessType[]; protocols: readonly Protocol[] },
  nvmeAccess: readonly AccessType[] = ['mount'],
): Combination[] {
  return selected.protocols.flatMap((protocol) =>
    selected.backends
      .filter((backend) => serves(backend, protocol))
      .flatMap((backend) =>
        selected.access
          .filter((access) => protocol === 'iscsi' || nvmeAccess.includes(access))
          .map((access): Combination => (protocol === 'iscsi' ? { backend, access } : { backend, access, protocol })),
      ),
  );
}
