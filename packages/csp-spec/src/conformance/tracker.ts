// Remembers every object the suite made the CSP create, by watching answers rather than trusting
// cases to register them, removes them in reverse order after each case (also when it failed), and
// at the end looks every name and id up again to prove nothing was left on the array.

import { isVolumeName } from '../names.js';
import type { ContractApi } from './api.js';
import type { Exchange } from './probe.js';

type Tracked =
  | { kind: 'token'; id: string }
  | { kind: 'host'; uuid: string }
  | { kind: 'volume'; id: string }
  | { kind: 'snapshot'; id: string }
  | { kind: 'publish'; volumeId: string; hostUuid: string }
  | { kind: 'volume-group'; id: string }
  | { kind: 'snapshot-group'; id: string };

export interface CleanupProblem {
  message: string;
  exchange?: Exchange;
}

/** The contract's ObjectName: only such names can be looked up again. */
const objectName = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

function field(body: unknown, key: string): string | undefined {
  const value = (body as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The `{id}` of `/volumes/{id}/actions/...`. */
function volumeIdOf(path: string): string {
  return decodeURIComponent(path.split('/')[2] ?? '');
}

export class Tracker {
  #pending: Tracked[] = [];
  /**
   * Every volume name the suite asked for, answered or not, for the final lookup, with the volume
   * group it was asked in (names may be unique per group only).
   */
  readonly volumeNames = new Map<string, string | undefined>();
  readonly volumeGroupNames = new Set<string>();
  readonly hostUuids = new Set<string>();
  readonly snapshotIds = new Set<string>();
  readonly snapshotGroupIds = new Set<string>();
  readonly problems: CleanupProblem[] = [];
  /** The run's own session token id, which is not cleaned up with a case. */
  sessionTokenId: string | undefined;

  /** Records what an answer created. Wired to every exchange of the run. */
  observe(exchange: Exchange): void {
    const { sent, status, body } = exchange;
    const sentBody = sent.body as Record<string, unknown> | undefined;
    if (sent.operation === 'createVolume' && typeof sentBody?.name === 'string' && isVolumeName(sentBody.name)) {
      const group = field(sentBody, 'volume_group_id');
      this.volumeNames.set(sentBody.name, group);
    }
    if (sent.operation === 'upsertHost' && typeof sentBody?.uuid === 'string' && objectName.test(sentBody.uuid)) {
      this.hostUuids.add(sentBody.uuid);
    }
    if (status !== 200) {
      return;
    }
    const id = field(body, 'id');
    switch (sent.operation) {
      case 'createToken': {
        const tokenId = id ?? field(body, 'session_token');
        if (tokenId && tokenId !== this.sessionTokenId) {
          this.#pending.push({ kind: 'token', id: tokenId });
        }
        break;
      }
      case 'upsertHost':
        if (typeof sentBody?.uuid === 'string') {
          this.#pending.push({ kind: 'host', uuid: sentBody.uuid });
        }
        break;
      case 'createVolume':
        if (id) {
          this.#pending.push({ kind: 'volume', id });
        }
        break;
      case 'createSnapshot':
        if (id) {
          this.snapshotIds.add(id);
          this.#pending.push({ kind: 'snapshot', id });
        }
        break;
      case 'publishVolume':
        if (typeof sentBody?.host_uuid === 'string') {
          this.#pending.push({ kind: 'publish', volumeId: volumeIdOf(sent.path), hostUuid: sentBody.host_uuid });
        }
        break;
      case 'createVolumeGroup':
        if (id) {
          this.volumeGroupNames.add(String(sentBody?.name));
          this.#pending.push({ kind: 'volume-group', id });
        }
        break;
      case 'createSnapshotGroup':
        if (id) {
          this.snapshotGroupIds.add(id);
          this.#pending.push({ kind: 'snapshot-group', id });
          for (const snapshot of ((body as { snapshots?: unknown[] }).snapshots ?? []) as unknown[]) {
            const snapshotId = field(snapshot, 'id');
            if (snapshotId) {
              this.snapshotIds.add(snapshotId);
            }
          }
        }
        break;
    }
  }

  /** Removes what the current case created, newest first. Problems are kept for the cleanup case. */
  async cleanup(api: ContractApi, caseId: string): Promise<void> {
    const items = this.#pending.reverse();
    this.#pending = [];
    for (const item of items) {
      try {
        await this.#undo(api, item, caseId);
      } catch (err) {
        this.problems.push({
          message: `after ${caseId}: removing ${describe(item)} failed: ${(err as Error).message}`,
        });
      }
    }
  }

  async #undo(api: ContractApi, item: Tracked, caseId: string): Promise<void> {
    const done = (exchange: Exchange, ok: number[]) => {
      if (!ok.includes(exchange.status)) {
        this.problems.push({
          message: `after ${caseId}: removing ${describe(item)} answered ${exchange.status}`,
          exchange,
        });
      }
    };
    switch (item.kind) {
      case 'token':
        return done(await api.logout(item.id), [204, 404]);
      case 'publish':
        return done(await api.unpublish(item.volumeId, { host_uuid: item.hostUuid }), [204, 404]);
      case 'volume': {
        const first = await api.deleteVolume(item.id);
        return done(first.status === 400 ? await api.deleteVolume(item.id, true) : first, [204, 404]);
      }
      case 'snapshot':
        return done(await api.deleteSnapshot(item.id), [204, 404]);
      case 'host':
        return done(await api.deleteHostByUuid(item.uuid), [204, 404]);
      case 'volume-group':
        return done(await api.deleteVolumeGroup(item.id), [204, 404]);
      case 'snapshot-group':
        return done(await api.deleteSnapshotGroup(item.id), [204, 404]);
    }
  }
}

function describe(item: Tracked): string {
  switch (item.kind) {
    case 'publish':
      return `the publication of volume ${item.volumeId} to host ${item.hostUuid}`;
    case 'host':
      return `host ${item.uuid}`;
    default:
      return `${item.kind} ${item.id}`;
  }
}
