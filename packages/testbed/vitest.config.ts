import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@opencsp/source'] },
  ssr: { resolve: { conditions: ['@opencsp/source'] } },
  test: {
    name: 'testbed',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
