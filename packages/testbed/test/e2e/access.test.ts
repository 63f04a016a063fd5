// What the array lets the node reach, seen from the node: a LUN published to another node cannot
// be staged here (the simulated login is checked against the target's initiator group on TrueNAS,
// the DSM 7 host permissions on Synology), and a CHAP target admits the node-stage secret's CHAP,
// never a wrong one (Synology: with host objects and CHAP, and with CHAP alone). Nothing stays
// behind.
import { status } from '@grpc/grpc-js';
import { type E2eStack, startE2eStack } from '@opencsp/testbed/e2e';
import { isGrpcError, Kubelet, kubeletRetry, storageClass, testNodeId } from '@opencsp/testbed/harness';
import { afterEach, describe, expect, it } from 'vitest';
import { chapBackends, e2eBackends, rows } from './backends.js';

const MiB = 1024 ** 2;

let stack: E2eStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe.each(rows(e2eBackends))(
  'node access to LUNs: the array masks other nodes out (%s, loop devices)',
  (_name, options) => {
    it('cannot stage a LUN the array published to another node: the login is refused and nothing stays', async () => {
      stack = await startE2eStack(options);
      const { kube, kubelet } = stack;
      const sc = stack.storageClass('e2e-ext4', 'ext4');
      const pv = await kube.provisionPvc(sc, { name: 'theirs', namespace: 'apps', size: 64 * MiB });
      const other = testNodeId('other-node');
      const publishContext = await kube.attach(pv, other);
      const impatient = new Kubelet({
        client: stack.node.client,
        kube,
        kubeletDir: stack.kubeletDir,
        retry: { ...kubeletRetry, attempts: 1 },
      });
      const err = await impatient.stage(pv, publishContext).catch((e: unknown) => e);
      expect(isGrpcError(err) && err.code).toBe(status.FAILED_PRECONDITION);
      // TrueNAS: "initiator … is not allowed"; DSM: "initiator … is masked out of every LUN".
      expect(isGrpcError(err) && err.details).toMatch(
        new RegExp(
          `login to \\S+ refused: .*initiator ${stack.initiatorName.replaceAll('.', '\\.')} is (not allowed|masked out)`,
        ),
      );
      expect(stack.backend.luns.loggedIn()).toEqual([]);
      await kubelet.unstage(pv);
      await kube.detach(pv, other);
      await kube.deletePv(pv);
      await stack.backend.removeHost('other-node');
      await stack.decommissionNode();
      expect(await stack.leftovers()).toEqual([]);
    });
  },
);

describe.each(rows(chapBackends))('node access to LUNs: CHAP (%s, loop devices)', (_name, options) => {
  it('logs in with the node-stage secret CHAP the controller registered, and refuses a wrong secret', async () => {
    stack = await startE2eStack(options);
    const { kube } = stack;
    const chapRef = { name: 'opencsp-chap', namespace: 'kube-system' };
    kube.addSecret(chapRef, { ...stack.backend.secrets, chapUser: 'k8s-node', chapPassword: 'chap-secret-01' });
    const sc = storageClass('e2e-chap', chapRef, {
      'csi.storage.k8s.io/fstype': 'ext4',
      // kubelet reads CHAP from its own Secret: a wrong one must not get in.
      'csi.storage.k8s.io/node-stage-secret-name': 'wrong-chap',
      'csi.storage.k8s.io/node-stage-secret-namespace': 'kube-system',
    });
    kube.addSecret(
      { name: 'wrong-chap', namespace: 'kube-system' },
      { chapUser: 'k8s-node', chapPassword: 'not-the-secret' },
    );
    const pv = await kube.provisionPvc(sc, { name: 'chap', namespace: 'apps', size: 64 * MiB });
    const impatient = new Kubelet({
      client: stack.node.client,
      kube,
      kubeletDir: stack.kubeletDir,
      retry: { ...kubeletRetry, attempts: 1 },
    });
    const publishContext = await kube.attach(pv, await stack.kubelet.nodeId());
    expect(JSON.stringify(publishContext)).not.toMatch(/chap-secret/);
    const refused = await impatient.stage(pv, publishContext).catch((e: unknown) => e);
    expect(isGrpcError(refused) && refused.code).toBe(status.UNAUTHENTICATED);
    expect(isGrpcError(refused) && refused.details).not.toContain('not-the-secret');
    await stack.kubelet.unstage(pv);

    kube.addSecret(
      { name: 'wrong-chap', namespace: 'kube-system' },
      { chapUser: 'k8s-node', chapPassword: 'chap-secret-01' },
    );
    await stack.kubelet.stage(pv, publishContext);
    expect(stack.backend.luns.loggedIn()).toEqual([
      { target: publishContext.targetNames, initiator: stack.initiatorName },
    ]);
    await stack.kubelet.unstage(pv);
    await kube.detach(pv, await stack.kubelet.nodeId());
    await kube.deletePv(pv);
    await stack.decommissionNode();
    expect(await stack.leftovers()).toEqual([]);
  });
});
