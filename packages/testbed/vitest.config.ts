import { configDefaults, defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@opencsp/source'] },
  ssr: { resolve: { conditions: ['@opencsp/source'] } },
  test: {
    name: 'testbed',
    include: ['test/**/*.test.ts'],
    // The real-cluster suite runs on its own: pnpm e2e:kube (vitest.kube.config.ts).
    exclude: [...configDefaults.exclude, 'test/kube/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
