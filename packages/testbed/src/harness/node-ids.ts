// Node ids as NodeGetInfo builds them (docs/architecture.md), for tests without a node plugin.
import { formatNodeId } from '@opencsp/csi-driver';

export function testNodeId(hostname: string, networks: string[] = ['127.0.0.1/8']): string {
  return formatNodeId({ hostname, iqns: [`iqn.1993-08.org.debian:01:${hostname}`], networks });
}
