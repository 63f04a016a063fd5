// NodeGetInfo's max_volumes_per_node on a real kernel, right after the scenario staged its volume
// over two paths (two iSCSI sessions, or two NVMe/TCP controllers): the node whose state files
// name the volume does not count it, and a node whose state does not know it counts it once, as
// one foreign volume. Reads sysfs only; runs no host command.
import { FileStateStore, type NodeOptions, NodeService, RootedHostFiles } from '@opencsp/csi-driver/node';

const budget = 8;

async function reported(stateDir: string, options: Partial<NodeOptions>): Promise<number> {
  const node = new NodeService({
    runner: { run: () => Promise.reject(new Error('NodeGetInfo runs no host command')) },
    files: new RootedHostFiles('/'),
    store: new FileStateStore(stateDir),
    transports: [],
    options: { ...options, nodeName: 'vm-e2e', maxVolumesPerNode: budget },
  });
  return (await node.nodeGetInfo()).maxVolumesPerNode;
}

export async function checkAllocatable(stateDir: string, options: Partial<NodeOptions> = {}): Promise<void> {
  const own = await reported(stateDir, options);
  const stranger = await reported(`${stateDir}-elsewhere`, options);
  if (own !== budget || stranger !== budget - 1) {
    throw new Error(
      `NodeGetInfo max_volumes_per_node with a budget of ${budget}: ${own} on the node that staged the volume (expected ${budget}), ${stranger} on a node whose state does not name it (expected ${budget - 1}: its two paths are one volume)`,
    );
  }
}
