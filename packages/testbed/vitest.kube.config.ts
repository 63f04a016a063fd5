import { defineProject } from 'vitest/config';

// pnpm e2e:kube: the scenarios on a real Kubernetes control plane (test/kube), one array per
// file, one file at a time (each starts a cluster: etcd, apiserver, controllers, kubelet).
export default defineProject({
  resolve: { conditions: ['@opencsp/source'] },
  ssr: { resolve: { conditions: ['@opencsp/source'] } },
  test: {
    name: 'kube',
    root: import.meta.dirname,
    include: ['test/kube/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});
