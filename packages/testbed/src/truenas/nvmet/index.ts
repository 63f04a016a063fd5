// The NVMe-oF target (`nvmet.*`) of the simulated TrueNAS.
import type { MethodTable } from '../rpc/registry.js';
import type { CallContext } from '../state/core.js';
import { hostMethods } from './host-methods.js';
import { namespaceMethods } from './namespace-methods.js';
import { portMethods } from './port-methods.js';
import { subsysMethods } from './subsys-methods.js';

export { NvmeConnectError, type NvmeConnectRequest, nvmeConnect, nvmeDisconnect } from './connect.js';
export { deleteZvolNamespaces, namespaceUsingDisk } from './namespace-methods.js';
export { addPort } from './port-methods.js';
export { NvmetTables } from './types.js';

export const nvmetMethods: MethodTable<CallContext> = {
  ...hostMethods,
  ...subsysMethods,
  ...portMethods,
  ...namespaceMethods,
};
