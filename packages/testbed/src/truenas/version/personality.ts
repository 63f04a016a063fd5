// A TrueNAS release's "personality": everything the simulator does differently on 25.10 and on
// 26, behind one interface, so that method modules ask the personality instead of checking a
// version. `--version 25.10.x|26.0.x` picks one (default 25.10, i.e. 25.10.6). The facts behind
// each hook, with their source files and tags, are in docs/research/truenas-api.md.
import type { RpcError } from '../rpc/errors.js';
import type { SimCore } from '../state/core.js';
import type { Snapshot } from '../zfs/model.js';
import { type Release, resolveRelease } from './releases.js';
import { v25_10 } from './v25_10.js';
import { v26_0 } from './v26_0.js';

export interface SnapshotDeleteOptions {
  defer: boolean;
  recursive: boolean;
}

export interface AuthTraits {
  /** `auth.mechanism_choices` (the AAL1 list, in the middleware's order). */
  mechanisms: readonly string[];
  /** 25.10 answers `auth.mechanism_choices` before login with an AttributeError. */
  choicesNeedLogin: boolean;
  /** `login_options.reconnect_token` exists (26). */
  reconnectToken: boolean;
  /** `auth.login_ex` SCRAM (26, on API endpoints from v26.0.0). */
  scram: boolean;
  /** `DENIED` is a login response type (26); absent in 25.10. */
  denied: boolean;
}

export interface Personality {
  readonly release: Release;
  readonly auth: AuthTraits;
  /**
   * The ZFS destroy behind `pool.dataset.delete`, after the iSCSI attachment delegate ran:
   * 25.10 runs `zfs destroy [-r]`, 26 runs a channel program (and ignores its failures).
   */
  destroyDataset(sim: SimCore, name: string, recursive: boolean): Promise<void>;
  /** The error for `pool.snapshot.create` of a snapshot that exists. */
  snapshotExists(dataset: string, name: string): RpcError;
  /** `pool.snapshot.delete` of an existing snapshot (`id` holds an `@`). */
  deleteSnapshot(sim: SimCore, snap: Snapshot, options: SnapshotDeleteOptions): Promise<void>;
  /** `pool.snapshot.delete` of an id that names no snapshot. */
  snapshotNotFound(id: string): RpcError;
  /** `pool.snapshot.clone` from a snapshot that does not exist. */
  cloneSourceMissing(snapshot: string): RpcError;
  /** `pool.snapshot.clone` onto a dataset that exists. */
  cloneTargetExists(dataset: string): RpcError;
}

/** The personality of `version` (`25.10`, `25.10.N`, `26`, `26.0`, `26.0.N`); throws otherwise. */
export function personalityFor(version: string): Personality {
  const release = resolveRelease(version);
  return release.train === '25.10' ? v25_10(release) : v26_0(release);
}
