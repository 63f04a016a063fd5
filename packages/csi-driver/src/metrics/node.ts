// Node metrics: time to stage and to attach, staged volumes, and the health of every attached
// volume's paths and sessions. Per-volume counts are kept here keyed by volume id and exported
// only as sums and as the number of volumes in each health state: a volume id never becomes a
// label (ids carry volume names, and per-volume series grow without bound).
import type { MetricsHub } from '@opencsp/csp-spec/metrics';
import type { NodeMetrics, PathCounts } from './types.js';

export type PathHealth = 'healthy' | 'degraded' | 'down';

export function pathHealth(counts: PathCounts): PathHealth {
  if (counts.pathsActive === 0) {
    return 'down';
  }
  return counts.pathsActive < counts.pathsTotal || counts.sessionsUp < counts.sessionsTotal ? 'degraded' : 'healthy';
}

export function nodeMetrics(hub: MetricsHub): NodeMetrics {
  const volumes = new Map<string, PathCounts>();
  const stage = hub.histogram({
    name: 'node_stage_duration_seconds',
    help: 'NodeStageVolume work that attached a volume (and formatted and mounted it), by transport and result.',
    labels: ['transport', 'result'],
  });
  const attach = hub.histogram({
    name: 'node_attach_duration_seconds',
    help: 'Attaching a volume to the node (sessions, scan, path checks, multipath map), by transport and result.',
    labels: ['transport', 'result'],
  });
  let countStaged: () => Promise<number> = async () => 0;
  hub.gauge({
    name: 'node_staged_volumes',
    help: 'Volumes staged on this node (node state files in phase staged).',
    async collect() {
      this.set(await countStaged());
    },
  });
  const sum = (pick: (c: PathCounts) => number) => [...volumes.values()].reduce((n, c) => n + pick(c), 0);
  hub.gauge({
    name: 'node_paths',
    help: 'Paths (SCSI devices under a volume) of the attached volumes by state: active, failed.',
    labels: ['state'],
    collect() {
      const active = sum((c) => c.pathsActive);
      this.set({ state: 'active' }, active);
      this.set({ state: 'failed' }, sum((c) => c.pathsTotal) - active);
    },
  });
  hub.gauge({
    name: 'node_sessions',
    help: 'Storage sessions (iSCSI) the attached volumes use, by state: logged_in, failed.',
    labels: ['state'],
    collect() {
      const up = sum((c) => c.sessionsUp);
      this.set({ state: 'logged_in' }, up);
      this.set({ state: 'failed' }, sum((c) => c.sessionsTotal) - up);
    },
  });
  hub.gauge({
    name: 'node_volumes_by_path_health',
    help: 'Attached volumes by path health: healthy (all paths and sessions up), degraded, down (no active path).',
    labels: ['health'],
    collect() {
      const counts: Record<PathHealth, number> = { healthy: 0, degraded: 0, down: 0 };
      for (const c of volumes.values()) {
        counts[pathHealth(c)] += 1;
      }
      for (const [health, n] of Object.entries(counts)) {
        this.set({ health }, n);
      }
    },
  });
  return {
    staged(transport, result, seconds) {
      stage.observe({ transport, result }, seconds);
    },
    attached(transport, result, seconds) {
      attach.observe({ transport, result }, seconds);
    },
    paths(volumeId, counts) {
      if (counts) {
        volumes.set(volumeId, counts);
      } else {
        volumes.delete(volumeId);
      }
    },
    stagedVolumes(count) {
      countStaged = count;
    },
  };
}
