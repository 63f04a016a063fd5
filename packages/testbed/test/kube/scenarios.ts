// The PVC lifecycle on a real Kubernetes 1.35 control plane, run once per array: the real PV
// controller, attach-detach controller, scheduler and kubelet, and the kubernetes-csi sidecars,
// drive opencsp installed from its chart with the real `helm install` (src/kube). Every scenario
// ends with nothing left: the array's leak audit (after the operator removes the node's host
// registration), mounts under kubelet's dir, loop devices of the LUN files, and PVs,
// VolumeAttachments and snapshot contents. The scenarios live by concept in volumes.ts,
// snapshots.ts, resilience.ts and release.ts (install first; helm upgrade and uninstall last).
import { type KubeStackOptions, startKubeStack } from '@opencsp/testbed/kube';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { describeServiceNode, serviceNode } from '../../src/launch/service-node.js';
import { ScenarioContext } from './context.js';
import { expectRunCounted } from './metrics.js';
import { installScenario, releaseScenarios } from './release.js';
import { resilienceScenarios } from './resilience.js';
import { snapshotScenarios } from './snapshots.js';
import { volumeScenarios } from './volumes.js';

export function kubeScenarios(name: string, options: KubeStackOptions): void {
  describe(`real Kubernetes 1.35 + opencsp from the chart (${name})`, () => {
    const ctx = new ScenarioContext(options);
    beforeAll(async () => {
      process.stdout.write(`e2e:kube ${name}: ${describeServiceNode(serviceNode())}\n`);
      ctx.stack = await startKubeStack(options);
      const { servicePort: _port, ...secrets } = ctx.stack.backend.secrets;
      ctx.forbidden.push(...Object.values(secrets));
      ctx.remember();
    }, 180_000);
    afterAll(async () => {
      await ctx.stack?.stop();
    }, 120_000);

    installScenario(ctx);
    volumeScenarios(ctx);
    snapshotScenarios(ctx);
    resilienceScenarios(ctx);

    // The counters hold what every scenario above made the sidecars, kubelet and the CSP do.
    it('counted what the sidecars, kubelet and the CSP did, by method and code, with no secret or name in a label', async () => {
      await expectRunCounted(
        ctx.stack,
        ctx.forbidden.filter((f) => f.length >= 4 && /[A-Za-z]/.test(f)),
      );
    });

    releaseScenarios(ctx);
  });
}
