// Host command metrics: latency by command and result, and timeouts (the runner killed the
// command) by command. The command label is the executable's basename, never an argument.
import { commandLabel, type MetricsHub } from '@opencsp/csp-spec/metrics';
import type { HostMetrics } from './types.js';

export function hostMetrics(hub: MetricsHub): HostMetrics {
  const duration = hub.histogram({
    name: 'host_command_duration_seconds',
    help: 'Host commands of the node (iscsiadm, multipath, mkfs, mount...) by result, with their latency.',
    labels: ['command', 'result'],
  });
  const timeouts = hub.counter({
    name: 'host_command_timeouts_total',
    help: 'Host commands killed because they exceeded their timeout.',
    labels: ['command'],
  });
  return {
    command(cmd, result, seconds) {
      const command = commandLabel(cmd);
      duration.observe({ command, result }, seconds);
      // Every command seen gets a timeout series (0 until one times out), so rates and alerts work.
      timeouts.inc({ command }, result === 'timeout' ? 1 : 0);
    },
  };
}
