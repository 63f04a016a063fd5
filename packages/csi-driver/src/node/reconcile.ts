// Start-up reconciliation: compares the state files with what the host shows and logs every
// difference. It tears nothing down on its own; the next RPC for the volume converges it.
import { readMounts, topMountAt } from '../host/mountinfo.js';
import type { NodeContext } from './context.js';

export interface Finding {
  readonly volumeId: string;
  readonly message: string;
}

export async function reconcile(ctx: NodeContext): Promise<Finding[]> {
  const findings: Finding[] = [];
  const mounts = await readMounts(ctx.files);
  for (const state of await ctx.store.list()) {
    const note = (message: string) => findings.push({ volumeId: state.volumeId, message });
    if (state.phase !== 'staged') {
      note(`interrupted while ${state.phase}; the next stage or unstage completes it`);
    }
    const transport = ctx.transports.get(state.transport);
    if (!transport) {
      note(`attached by transport ${state.transport}, which this node does not have`);
      continue;
    }
    const device = state.attachment ? await transport.resolve(state.attachment).catch(() => undefined) : undefined;
    if (state.phase === 'staged' && !device) {
      note('staged, but its device is not attached');
    }
    if (state.phase === 'staged' && state.accessType === 'mount' && !topMountAt(mounts, state.stagingTargetPath)) {
      note(`staged, but nothing is mounted at ${state.stagingTargetPath}`);
    }
  }
  for (const f of findings) {
    ctx.logger.warn({ volumeId: f.volumeId }, `node state differs from the host: ${f.message}`);
  }
  return findings;
}
