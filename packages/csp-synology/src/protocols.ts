// DSM exports LUNs over iSCSI only (SYNO.Core.ISCSI.*): this contract's NVMe/TCP (`nvmetcp`) and
// the reserved `fc`/`nfs` are refused with a 400 naming the field, never answered with an iSCSI
// attachment, and DH-CHAP keys (NVMe in-band authentication) are refused the same way.
import type { AccessProtocol, HostRequest } from '@opencsp/csp-spec';
import { invalidInput } from '@opencsp/csp-spec/server';

/** Throws 400 naming `field` unless `protocol` is absent or iscsi. */
export function requireIscsi(protocol: AccessProtocol | undefined, field = 'body.access_protocol'): void {
  if (protocol !== undefined && protocol !== 'iscsi') {
    throw invalidInput(
      field,
      `${protocol} is not available: Synology DSM exports LUNs over iscsi only (this CSP does not list ${protocol} in GET /capabilities)`,
    );
  }
}

/** Host registrations may carry NQNs (ignored), but not DH-CHAP keys nobody would enforce. */
export function refuseNvmeAuth(request: HostRequest): void {
  if (request.dhchap_key !== undefined || request.dhchap_ctrl_key !== undefined) {
    throw invalidInput(
      request.dhchap_key !== undefined ? 'body.dhchap_key' : 'body.dhchap_ctrl_key',
      'DH-CHAP is NVMe authentication; Synology DSM offers no NVMe-oF, so this CSP cannot enforce it',
    );
  }
  requireIscsi(request.access_protocol);
}
