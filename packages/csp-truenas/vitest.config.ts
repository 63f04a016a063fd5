import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@opencsp/source'] },
  ssr: { resolve: { conditions: ['@opencsp/source'] } },
  test: { name: 'csp-truenas', include: ['test/**/*.test.ts'], testTimeout: 30_000 },
});
