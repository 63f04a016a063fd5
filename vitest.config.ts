import { defineConfig } from 'vitest/config';

// One vitest run for the whole workspace. Each package has its own project config; the JSON
// report feeds the totals line that .ci/run prints.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts'],
    reporters: ['default', ['json', { outputFile: '.reports/vitest.json' }]],
  },
});
