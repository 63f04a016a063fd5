// Steps 1-5: the array and its CSP, the driver, a StorageClass, a PVC provisioned on the array,
// and its attachment to the node (ControllerPublishVolume and the publish context it returns).
import { Agent, fetch } from 'undici';
import { driverParameters } from '../harness/storage-class.js';
import { describeVolume } from './array-view.js';
import { type DemoContext, type DemoStep, need } from './context.js';
import type { StepLog } from './report.js';
import { formatBytes, formatQuantity } from './units.js';

/** The served OpenAPI document: proof the docs are there, not just a URL. */
async function openApiSummary(origin: string, ca: string | undefined): Promise<string> {
  const agent = new Agent(ca ? { connect: { ca } } : {});
  type Doc = { openapi?: string; info?: { title?: string }; paths?: object };
  const doc = await fetch(`${origin}/docs/json`, { dispatcher: agent })
    .then(async (response) => {
      if (!response.ok) {
        throw new Error(`GET ${origin}/docs/json answered ${response.status}`);
      }
      return (await response.json()) as Doc;
    })
    .finally(() => agent.close());
  const paths = Object.keys(doc.paths ?? {}).length;
  return `${origin}/docs (Swagger UI; ${doc.info?.title ?? 'untitled'}, OpenAPI ${doc.openapi ?? '?'}, ${paths} paths)`;
}

const startArray: DemoStep = {
  name: 'start the simulated TrueNAS and csp-truenas',
  async run(ctx, log) {
    const backend = await ctx.stack.startArray();
    const { sim, baseUrl, config, ca } = backend.stack;
    log.detail(
      'TrueNAS simulator',
      `${sim.url()} (JSON-RPC 2.0 over WebSocket, TrueNAS ${sim.core.config.version}, pool tank)`,
    );
    log.detail('csp-truenas', `${baseUrl} (the CSP REST API the driver calls)`);
    log.detail('OpenAPI docs', await openApiSummary(new URL(baseUrl).origin, ca));
    log.detail('array login', 'API key over wss, the simulator’s self-signed certificate trusted as a CA');
    log.detail('volumes go to', config.parents.join(', '));
  },
};

const startDriver: DemoStep = {
  name: 'start the CSI driver',
  async run(ctx, log) {
    await ctx.stack.startDriver(ctx.nodePart.run);
    const { controller, node } = ctx.stack;
    const info = await controller.client.identity('GetPluginInfo', {});
    log.detail('driver', `${info.name} ${info.vendorVersion}`);
    log.detail('controller', `unix://${controller.socketPath} (what the sidecars of the controller Deployment call)`);
    if (node) {
      const registration = await node.kubelet.register();
      log.detail('node', `unix://${node.driver.socketPath} (what kubelet calls on each node)`);
      const nvme = ctx.options.protocol === 'nvmetcp';
      log.detail('node id', `${registration.nodeId} (NodeGetInfo: name;initiator IQN,host NQN)`);
      log.detail(
        'transport',
        nvme
          ? 'loop: a loop device on the namespace’s backing file stands in for nvme connect'
          : 'loop: a loop device on the LUN’s backing file stands in for the iSCSI login',
      );
      log.detail('kubelet dir', `${node.kubeletDir} (<kubelet> below; /var/lib/kubelet on a real node)`);
    } else {
      log.detail('node', 'not started (no node part on this machine)');
    }
  },
};

const createStorageClass: DemoStep = {
  name: 'create a StorageClass',
  async run(ctx, log) {
    const fs = ctx.options.fs;
    const sc = ctx.stack.storageClass(`truenas-${fs}`, fs);
    ctx.sc = sc;
    const params = Object.entries(driverParameters(sc.parameters)).map(([k, v]) => `${k}: ${v}`);
    log.detail('name', `${sc.name} (provisioner csi.opencsp.io, allowVolumeExpansion: true)`);
    log.detail('parameters', [...params, `csi.storage.k8s.io/fstype: ${fs}`].join(', '));
    const { name, namespace } = ctx.stack.secretRef;
    log.detail('secret', `${namespace}/${name} for every CSI role (backend, username, API key, CSP service)`);
  },
};

const provision: DemoStep = {
  name: 'provision a PVC (CreateVolume)',
  async run(ctx, log) {
    const sc = need(ctx.sc, 'the StorageClass');
    const pvc = { name: 'data', namespace: 'demo', size: ctx.options.size };
    const pv = await ctx.stack.kube.provisionPvc(sc, pvc);
    ctx.pv = pv;
    log.detail('PVC', `${pvc.namespace}/${pvc.name}, ${formatQuantity(pvc.size)}, ReadWriteOnce → PV ${pv.name}`);
    log.detail('volume id', `${pv.volumeHandle} (${formatBytes(pv.capacity)})`);
    showArray(ctx, log, pv.volumeHandle);
  },
};

const attach: DemoStep = {
  name: 'attach to the node (ControllerPublishVolume)',
  async run(ctx, log) {
    const pv = need(ctx.pv, 'the PV');
    const nodeId = await ctx.stack.nodeId();
    const publishContext = await ctx.stack.kube.attach(pv, nodeId);
    ctx.publishContext = publishContext;
    const { targetNames, discoveryIps, lunId, serialNumber, ...rest } = publishContext;
    log.detail('node id', ctx.stack.node ? nodeId : `${nodeId} (what the node plugin’s NodeGetInfo would answer)`);
    const nvme = publishContext.accessProtocol === 'nvmetcp';
    log.detail(nvme ? 'subsystem NQN' : 'target IQN', targetNames ?? '(none)');
    log.detail(nvme ? 'ports' : 'portals', discoveryIps ?? '(none)');
    log.detail(nvme ? 'namespace id' : 'LUN', lunId ?? '(none)');
    log.detail(nvme ? 'NGUID' : 'serial', serialNumber ?? '(none)');
    log.detail(
      'also',
      Object.entries(rest)
        .map(([k, v]) => `${k}=${v}`)
        .join(', '),
    );
    showArray(ctx, log, pv.volumeHandle, ['iSCSI target', 'NVMe subsystem']);
  },
};

/** Array lines of a volume (all, or only the given keys), prefixed "array". */
export function showArray(ctx: DemoContext, log: StepLog, volumeId: string, only?: string[]): void {
  for (const line of describeVolume(ctx.stack.backend, volumeId)) {
    if (!only || only.includes(line.key)) {
      log.detail(`array: ${line.key}`, line.value);
    }
  }
}

export const setupSteps: DemoStep[] = [startArray, startDriver, createStorageClass, provision, attach];
