// Snapshot name claims: CSI snapshot names are unique across the array, but ZFS keeps snapshots
// per dataset, so "is this name used on another volume?" would need every snapshot read. Instead
// each snapshot's name is claimed in a place derived from the name alone: a snapshot of the
// volume's parent dataset, `<parent>@<leaf of the name>`, whose user properties say which name
// and which zvol it is for. A parent snapshot holds no data (the parent is a filesystem whose
// only content is its child zvols); it is created before the volume's snapshot (atomically: ZFS
// refuses a second one) and removed after it, so a name lookup is one query by id over the
// configured parents. Snapshots with the CSP's temporary prefix (HPE-style clone sources, never
// looked up by name across volumes) are not claimed.
import { CspProblem } from '@opencsp/csp-spec/server';
import { call, read, type SessionContext } from './context.js';
import { leafFor, maxIscsiName } from './naming.js';
import { localSnapshotProp, type SnapshotEntry } from './props.js';
import { RpcFailure } from './truenas/errors.js';
import { toProblem } from './truenas/problems.js';

export const claimProp = {
  name: 'opencsp:claimed_name',
  volume: 'opencsp:claimed_by',
} as const;

export interface Claim {
  /** `<parent>@<leaf>`. */
  id: string;
  /** The CSI snapshot name. */
  name: string;
  /** Dataset path of the zvol whose snapshot holds the name. */
  volumePath: string;
}

/** The leaf of a name's claim: the same under every parent, so a lookup needs the name alone. */
export function claimLeaf(name: string): string {
  return leafFor(name, maxIscsiName);
}

export function claimId(parent: string, name: string): string {
  return `${parent}@${claimLeaf(name)}`;
}

/** Every place a name's claim may be (one per configured parent). */
export function claimIds(ctx: SessionContext, name: string): string[] {
  return ctx.names.parents.map((parent) => claimId(parent, name));
}

export function isTemporaryName(ctx: SessionContext, name: string): boolean {
  return name.startsWith(ctx.config.tempSnapshotPrefix);
}

/** The claim an entry of pool.snapshot.query is, or undefined when it is no claim of ours. */
export function asClaim(entry: SnapshotEntry): Claim | undefined {
  const name = localSnapshotProp(entry, claimProp.name);
  const volumePath = localSnapshotProp(entry, claimProp.volume);
  return name !== undefined && volumePath !== undefined ? { id: entry.id, name, volumePath } : undefined;
}

/** The claims of a name among query entries (other snapshots and other names left out). */
export function claimsOf(entries: SnapshotEntry[], name: string): Claim[] {
  return entries.flatMap((e) => {
    const claim = asClaim(e);
    return claim?.name === name ? [claim] : [];
  });
}

function taken(name: string, volumePath: string): CspProblem {
  return new CspProblem('NAME_TAKEN', `snapshot name ${name} is in use on another volume (${volumePath})`);
}

/**
 * Claims `name` for a snapshot of the zvol at `volumePath`. True when this call created the claim
 * (the caller releases it if its snapshot then fails), false when the zvol held it already.
 * NAME_TAKEN when another zvol holds it.
 */
export async function claim(ctx: SessionContext, name: string, volumePath: string): Promise<boolean> {
  const id = claimId(ctx.names.parentOf(volumePath), name);
  try {
    await call(ctx, 'pool.snapshot.create', [
      {
        dataset: ctx.names.parentOf(volumePath),
        name: claimLeaf(name),
        properties: { [claimProp.name]: name, [claimProp.volume]: volumePath },
      },
    ]);
    return true;
  } catch (err) {
    // The answer to a duplicate differs between TrueNAS versions: read what is there instead.
    if (!(err instanceof RpcFailure)) {
      throw err;
    }
    const [entry] = await read<SnapshotEntry[]>(ctx, 'pool.snapshot.query', [
      [['id', '=', id]],
      { extra: { properties: [claimProp.name, claimProp.volume] } },
    ]);
    if (!entry) {
      throw err;
    }
    const existing = asClaim(entry);
    if (existing?.name === name && existing.volumePath === volumePath) {
      return false;
    }
    throw existing
      ? taken(name, existing.volumePath)
      : new CspProblem('NAME_TAKEN', `snapshot ${id} exists on the array and is not a name claim of this CSP`);
  }
}

/** Removes a claim (when it still is the claim of that name for that zvol). */
export async function release(ctx: SessionContext, claimed: Claim | undefined): Promise<void> {
  if (!claimed) {
    return;
  }
  try {
    await call(ctx, 'pool.snapshot.delete', [claimed.id, { defer: false, recursive: false }]);
  } catch (err) {
    if (toProblem(err).reason !== 'NOT_FOUND') {
      throw err;
    }
  }
}

/**
 * Settles a claim of `name` held by another zvol: NAME_TAKEN while that zvol has the snapshot;
 * a claim whose snapshot is gone (a create interrupted between claim and snapshot) is released.
 */
export async function settleForeignClaim(
  ctx: SessionContext,
  other: Claim,
  snapshotLeaf: (volumePath: string) => string,
): Promise<void> {
  const [snapshot] = await read<SnapshotEntry[]>(ctx, 'pool.snapshot.query', [
    [['id', '=', `${other.volumePath}@${snapshotLeaf(other.volumePath)}`]],
    { extra: { properties: [] } },
  ]);
  if (snapshot) {
    throw taken(other.name, other.volumePath);
  }
  ctx.logger.info(
    { claim: other.id, volume: other.volumePath },
    'releasing a snapshot name claim left by an interrupted create',
  );
  await release(ctx, other);
}
