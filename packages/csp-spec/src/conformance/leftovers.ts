// The final proof that a run left nothing behind: every volume name the suite used is looked up
// by name (404 expected), every snapshot and group by id, hosts by uuid. Whatever is still there is
// reported and removed once more.
import type { ContractApi } from './api.js';
import type { Exchange } from './probe.js';
import type { CleanupProblem, Tracker } from './tracker.js';

function ids(body: unknown): string[] {
  return Array.isArray(body) ? body.map((item) => String((item as { id?: unknown }).id)) : [];
}

export async function findLeftovers(api: ContractApi, tracker: Tracker): Promise<CleanupProblem[]> {
  const problems: CleanupProblem[] = [];
  const unverifiable = (what: string, exchange: Exchange) =>
    problems.push({ message: `cannot tell whether ${what} is gone: answered ${exchange.status}`, exchange });

  for (const [name, group] of tracker.volumeNames) {
    let found = await api.listVolumes(group === undefined ? { name } : { name, volume_group_id: group });
    if (found.status === 400 && group !== undefined) {
      // A CSP without volume groups refuses the group, so any volume of that name is outside one.
      found = await api.listVolumes({ name });
    }
    if (found.status === 404) {
      continue;
    }
    if (found.status !== 200) {
      unverifiable(`volume ${name}`, found);
      continue;
    }
    const left = ids(found.body);
    if (left.length > 0) {
      problems.push({ message: `volume ${name} (${left.join(', ')}) was left behind`, exchange: found });
      for (const id of left) {
        await api.deleteVolume(id, true);
      }
    }
  }
  for (const id of tracker.snapshotIds) {
    const found = await api.getSnapshot(id);
    if (found.status === 200) {
      problems.push({ message: `snapshot ${id} was left behind`, exchange: found });
      await api.deleteSnapshot(id);
    } else if (found.status !== 404) {
      unverifiable(`snapshot ${id}`, found);
    }
  }
  for (const id of tracker.snapshotGroupIds) {
    const found = await api.getSnapshotGroup(id);
    if (found.status === 200) {
      problems.push({ message: `snapshot group ${id} was left behind`, exchange: found });
      await api.deleteSnapshotGroup(id);
    } else if (found.status !== 404) {
      unverifiable(`snapshot group ${id}`, found);
    }
  }
  for (const name of tracker.volumeGroupNames) {
    const found = await api.listVolumeGroups(name);
    if (found.status === 200) {
      for (const id of ids(found.body)) {
        problems.push({ message: `volume group ${name} (${id}) was left behind`, exchange: found });
        await api.deleteVolumeGroup(id);
      }
    } else if (found.status !== 404) {
      unverifiable(`volume group ${name}`, found);
    }
  }
  if (tracker.hostUuids.size > 0) {
    const hosts = await api.listHosts();
    if (hosts.status !== 200 || !Array.isArray(hosts.body)) {
      unverifiable('the hosts', hosts);
    } else {
      for (const host of hosts.body as Array<{ uuid?: unknown }>) {
        if (typeof host.uuid === 'string' && tracker.hostUuids.has(host.uuid)) {
          problems.push({ message: `host ${host.uuid} was left behind`, exchange: hosts });
          await api.deleteHostByUuid(host.uuid);
        }
      }
    }
  }
  return problems;
}
