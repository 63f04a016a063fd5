// The vitest adapter registers one test per case against a CSP that getTarget starts; the leak
// audit runs through the afterAll hook, as a vendor's simulator would plug it in.
import { defineConformanceSuite } from '@opencsp/csp-spec/conformance/vitest';
import { MemoryProvider } from '../../src/testing/index.js';
import { startKit } from './fixtures/servers.js';

const provider = new MemoryProvider();

defineConformanceSuite(
  async () => {
    const kit = await startKit(provider);
    return { url: kit.url, backend: '192.0.2.1', username: 'admin', password: 'secret-password', close: kit.close };
  },
  {
    name: 'conformance through the vitest adapter',
    hooks: {
      afterAll: () => {
        const left = provider.array.volumes.size + provider.array.snapshots.size + provider.array.hosts.size;
        if (left > 0) {
          throw new Error(`the memory array still holds ${left} objects`);
        }
      },
    },
  },
);
