// The NVMe side of a host: each of its NQNs is an `nvmet.host` row on the array, holding the
// DH-CHAP keys from the StorageClass secret (set, changed and cleared by every registration for
// nvmetcp or without a protocol; a registration for iscsi leaves them alone).
// The host itself stays the CSP's initiator group (hosts.ts), whose `initiators` list holds the
// NQNs beside the IQNs; the group is never attached to a target, so an NQN there admits nobody.
// A row is deleted when no registered host names its NQN any more and no subsystem links it.
import type { HostRequest } from '@opencsp/csp-spec';
import { CspProblem, invalidInput } from '@opencsp/csp-spec/server';
import { call, read, type SessionContext } from './context.js';
import { querySql } from './sql-query.js';

export interface NvmetHostRow {
  id: number;
  hostnqn: string;
  dhchap_key: string | null;
  dhchap_ctrl_key: string | null;
}

export interface Dhchap {
  key: string | null;
  ctrlKey: string | null;
}

export const isNqn = (name: string): boolean => name.startsWith('nqn.');

/** DH-CHAP from a host registration; 400 when the array cannot enforce it or the pair is incomplete. */
export function dhchapOf(ctx: SessionContext, req: HostRequest): Dhchap {
  if (req.dhchap_ctrl_key && !req.dhchap_key) {
    throw invalidInput('body.dhchap_ctrl_key', 'bidirectional DH-CHAP needs dhchap_key as well');
  }
  if (req.dhchap_key && !ctx.facts.nvme.available) {
    throw invalidInput('body.dhchap_key', `DH-CHAP cannot be enforced: ${ctx.facts.nvme.reason}`);
  }
  if (req.dhchap_key && !req.nqns?.length) {
    throw invalidInput('body.dhchap_key', 'DH-CHAP keys need the host NQNs they belong to (nqns)');
  }
  return { key: req.dhchap_key ?? null, ctrlKey: req.dhchap_ctrl_key ?? null };
}

export function hostRowsByNqn(ctx: SessionContext, nqns: readonly string[]): Promise<NvmetHostRow[]> {
  return nqns.length === 0
    ? Promise.resolve([])
    : querySql<NvmetHostRow[]>(ctx, 'nvmet.host.query', [['hostnqn', 'in', [...nqns]]]);
}

/** Secrets read back as `********` when the account may not see them: then they cannot be compared. */
function differs(shown: string | null, wanted: string | null): boolean {
  return shown === '********' || shown !== wanted;
}

/** Creates or updates the `nvmet.host` row of every NQN with the wanted DH-CHAP keys. */
export async function upsertNvmeHosts(ctx: SessionContext, nqns: readonly string[], dhchap: Dhchap): Promise<void> {
  if (!ctx.facts.nvme.available || nqns.length === 0) {
    return;
  }
  const rows = await hostRowsByNqn(ctx, nqns);
  for (const hostnqn of nqns) {
    await ctx.locks.run(`${ctx.address}|nvmehost:${hostnqn}`, async () => {
      const row = rows.find((r) => r.hostnqn === hostnqn);
      const wanted = { dhchap_key: dhchap.key, dhchap_ctrl_key: dhchap.ctrlKey };
      if (!row) {
        await call(ctx, 'nvmet.host.create', [{ hostnqn, ...wanted }]).catch((err: unknown) => {
          throw new CspProblem('INVALID_INPUT', `nqns: TrueNAS refused ${hostnqn}`, { field: 'body.nqns', cause: err });
        });
      } else if (differs(row.dhchap_key, dhchap.key) || differs(row.dhchap_ctrl_key, dhchap.ctrlKey)) {
        await call(ctx, 'nvmet.host.update', [row.id, wanted]);
      }
    });
  }
}

/**
 * Deletes the `nvmet.host` rows of NQNs no registered host names any more and no subsystem links.
 * `stillNamed` are the NQNs other host groups keep (the caller looked them up).
 */
export async function releaseNvmeHosts(
  ctx: SessionContext,
  nqns: readonly string[],
  stillNamed: ReadonlySet<string>,
): Promise<void> {
  const gone = nqns.filter((nqn) => !stillNamed.has(nqn));
  if (!ctx.facts.nvme.available || gone.length === 0) {
    return;
  }
  for (const row of await hostRowsByNqn(ctx, gone)) {
    await ctx.locks.run(`${ctx.address}|nvmehost:${row.hostnqn}`, async () => {
      const links = await read<unknown[]>(ctx, 'nvmet.host_subsys.query', [[['host.id', '=', row.id]]]);
      if (links.length === 0) {
        await call(ctx, 'nvmet.host.delete', [row.id, { force: false }]);
      }
    });
  }
}

/** Subsystem links of the host rows of these NQNs (a host with links still has volumes published). */
export async function linkedSubsystems(ctx: SessionContext, nqns: readonly string[]): Promise<string[]> {
  if (!ctx.facts.nvme.available || nqns.length === 0) {
    return [];
  }
  const rows = await hostRowsByNqn(ctx, nqns);
  if (rows.length === 0) {
    return [];
  }
  const links = await read<Array<{ subsys: { name: string } | null }>>(ctx, 'nvmet.host_subsys.query', [
    [['host.id', 'in', rows.map((r) => r.id)]],
  ]);
  return links.flatMap((l) => (l.subsys ? [l.subsys.name] : []));
}
