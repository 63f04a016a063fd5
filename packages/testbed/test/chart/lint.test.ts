// `helm lint --strict` (the real helm 4.1.4) on charts/opencsp with each values file in
// charts/opencsp/ci, as a chart repository's CI runs it: warnings count as failures, and the only
// finding allowed is helm's INFO about the missing chart icon.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartToolchain, ciValuesDir, Helm } from '../../src/chart/helm.js';

const missing = await chartToolchain('chart lint tests');
const valueFiles = readdirSync(ciValuesDir)
  .filter((f) => f.endsWith('-values.yaml'))
  .sort();

/** helm lint's finding lines ([INFO], [WARNING], [ERROR]). */
const findings = (output: string) => output.split('\n').filter((l) => /^\[[A-Z]+\]/.test(l));

describe.skipIf(missing !== undefined)(`helm lint --strict (${missing ?? 'helm 4.1.4'})`, () => {
  let helm: Helm;
  beforeAll(async () => {
    helm = await Helm.start();
  });
  afterAll(async () => {
    await helm?.dispose();
  });

  it.each(['(chart defaults)', ...valueFiles])('passes with %s', async (file) => {
    const output = await helm.lint(file.endsWith('.yaml') ? [join(ciValuesDir, file)] : []);
    expect(output).toContain('1 chart(s) linted, 0 chart(s) failed');
    expect(findings(output)).toEqual(['[INFO] Chart.yaml: icon is recommended']);
  });

  it('fails on values the schema refuses, naming the value', async () => {
    const bad = await helm.valuesFile('bad-lint.yaml', 'node:\n  hostMode: host\n');
    await expect(helm.lint([bad])).rejects.toThrow(/\/node\/hostMode.*value must be one of/);
  });
});
