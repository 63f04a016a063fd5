// The step after the expand: the PVC moves to a VolumeAttributesClass that asks for ZSTD
// compression, so the driver gets ControllerModifyVolume (as csi-resizer sends it) and changes the
// live zvol's compression through the CSP (`PUT /volumes/{id}` with `config`); the zvol is shown
// before and after, read from the array.
import { zvolLine } from './array-view.js';
import { type DemoStep, need } from './context.js';

/** The VolumeAttributesClass the demo moves its PVC to. */
export const demoAttributesClass = { name: 'truenas-zstd', parameters: { compression: 'ZSTD' } };

const modifyCompression: DemoStep = {
  name: 'change compression (ControllerModifyVolume)',
  async run(ctx, log) {
    const pv = need(ctx.pv, 'the PV');
    const { backend, kube } = ctx.stack;
    const before = zvolLine(backend, pv.volumeHandle);
    log.detail('VolumeAttributesClass', `${demoAttributesClass.name}: compression ZSTD`);
    await kube.modify(pv, demoAttributesClass.parameters);
    const after = zvolLine(backend, pv.volumeHandle);
    log.detail(`array before: ${before.key}`, before.value);
    log.detail(`array after: ${after.key}`, after.value);
    if (!after.value.toLowerCase().includes('compression zstd')) {
      throw new Error(`the zvol's compression did not change: ${after.value}`);
    }
    await kube.modify(pv, demoAttributesClass.parameters);
    log.detail('again', 'the same class again changes nothing (idempotent)');
  },
};

export const modifySteps: DemoStep[] = [modifyCompression];
