// How a node's LUNs are kept from other initiators (SYNOLOGY_MASKING). Every node has its own
// target; the masking mode decides what stops another initiator from using it:
//   hosts  DSM 7 host objects: the node's host holds its IQNs and a permission on each LUN it may
//          see (host-masking.ts). Granted and read back before a LUN is mapped, revoked after.
//   chap   the node's target only admits the node's CHAP credentials (from the StorageClass
//          secret); hosts registered without CHAP are refused, and CHAP is read back before mapping.
//   none   no isolation: any initiator that reaches the portal can log in to any node's target, as
//          with Synology's own CSI driver. For trusted storage networks only.
import { CspProblem } from '@opencsp/csp-spec/server';
import type { SessionContext } from './context.js';
import type { DsmTarget } from './dsm/types.js';
import { HostMasking } from './host-masking.js';
import type { RegisteredHost } from './hosts.js';

export const maskingModes = ['hosts', 'chap', 'none'] as const;
export type MaskingMode = (typeof maskingModes)[number];

export interface Masking {
  readonly mode: MaskingMode;
  /** Refuses, before anything changes on the NAS, a host this mode cannot isolate. */
  admit(host: RegisteredHost): void;
  /** Checks the node's target (CHAP already applied) before a LUN is mapped into it. */
  checkTarget(target: DsmTarget, host: RegisteredHost): void;
  /** Whether the mode can make a LUN read-only for one node (claims `read_only_publish`). */
  readonly enforcesReadOnly: boolean;
  /**
   * Lets the node see the LUN (read-only when asked and enforceable); runs, and is verified, before
   * the LUN is mapped to the node's target.
   */
  grant(objectName: string, host: RegisteredHost, lunUuid: string, readOnly: boolean): Promise<void>;
  /** Takes the LUN away from the node; runs after the LUN was unmapped from the node's target. */
  revoke(objectName: string, lunUuid: string): Promise<void>;
  /** The node's target is gone: removes what the mode keeps per node. */
  forget(objectName: string): Promise<void>;
  /**
   * Whether the node's access to the LUN is read-only, as the NAS records it (the mode's record,
   * which survives a CSP restart); undefined when the mode records no per-node access.
   */
  readOnlyAccess(objectName: string, lunUuid: string): Promise<boolean | undefined>;
}

class NoMasking implements Masking {
  readonly mode = 'none';
  readonly enforcesReadOnly = false;
  admit(): void {}
  checkTarget(): void {}
  async grant(): Promise<void> {}
  async revoke(): Promise<void> {}
  async forget(): Promise<void> {}
  async readOnlyAccess(): Promise<undefined> {
    return undefined;
  }
}

class ChapMasking implements Masking {
  readonly mode = 'chap';
  readonly enforcesReadOnly = false;

  admit(host: RegisteredHost): void {
    if (!host.chap) {
      throw new CspProblem(
        'INVALID_INPUT',
        `host ${host.host.uuid} is registered without CHAP, but SYNOLOGY_MASKING=chap protects each node's target with the node's CHAP: put chapUser and chapPassword in the StorageClass secret, or run the CSP with SYNOLOGY_MASKING=hosts`,
      );
    }
  }

  checkTarget(target: DsmTarget, host: RegisteredHost): void {
    const chap = host.chap;
    const mutual = Boolean(chap?.mutualUser);
    const applied =
      chap !== undefined &&
      target.auth_type === (mutual ? 2 : 1) &&
      target.user === chap.user &&
      (!mutual || target.mutual_user === chap.mutualUser);
    if (!applied) {
      throw new CspProblem(
        'INTERNAL',
        `DSM does not report the node's CHAP on target ${target.name}; refusing to map LUNs into a target other initiators could log in to`,
      );
    }
  }

  async grant(): Promise<void> {}
  async revoke(): Promise<void> {}
  async forget(): Promise<void> {}
  async readOnlyAccess(): Promise<undefined> {
    return undefined;
  }
}

export function createMasking(ctx: SessionContext): Masking {
  switch (ctx.settings.masking) {
    case 'hosts':
      return new HostMasking(ctx);
    case 'chap':
      return new ChapMasking();
    case 'none':
      return new NoMasking();
  }
}
