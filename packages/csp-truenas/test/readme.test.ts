import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { optionTable } from '../src/options.js';
import { configKeys } from '../src/volume-config.js';

describe('README', () => {
  it('documents every option and every config key', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    for (const spec of Object.values(optionTable)) {
      expect(readme, `--${spec.flag}`).toContain(`\`--${spec.flag}\``);
      expect(readme, spec.env).toContain(`\`${spec.env}\``);
    }
    for (const key of configKeys) {
      expect(readme, key).toContain(`\`${key}\``);
    }
  });
});
