// docs/install.md, docs/parameters.md and docs/troubleshooting.md must describe the chart as it is:
// every values group, the defaults operators tune, and the anchors the docs link to.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { chartDir, repoRoot } from '../../src/chart/helm.js';

const install = readFileSync(join(repoRoot, 'docs/install.md'), 'utf8');
const parameters = readFileSync(join(repoRoot, 'docs/parameters.md'), 'utf8');
const troubleshooting = readFileSync(join(repoRoot, 'docs/troubleshooting.md'), 'utf8');
const security = readFileSync(join(repoRoot, 'docs/security.md'), 'utf8');

interface Values {
  driver: { cspTimeout: string };
  sidecars: Record<string, { timeout?: string }>;
  node: { kubeletDir: string; healthPort: number; registrarHealthPort: number; stateDir: string; hostMode: string };
  controller: { healthPort: number };
  csiDriver: { fsGroupPolicy: string };
}
const valuesText = readFileSync(join(chartDir, 'values.yaml'), 'utf8');
const values = parse(valuesText) as Values & Record<string, unknown>;

/** GitHub-style anchors of a markdown document's headings plus explicit <a id> anchors. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const m of markdown.matchAll(/^#+ (.+)$/gm)) {
    out.add(
      (m[1] ?? '')
        .toLowerCase()
        .replace(/[^\w\s-]/g, '')
        .trim()
        .replace(/\s/g, '-'),
    );
  }
  for (const m of markdown.matchAll(/<a id="([^"]+)">/g)) {
    out.add(m[1] ?? '');
  }
  return out;
}

describe('operator docs', () => {
  it('describe every top-level values group', () => {
    for (const key of Object.keys(values)) {
      expect(install, `docs/install.md mentions ${key}`).toContain(`\`${key}`);
    }
  });

  it('state the defaults operators tune', () => {
    expect(install).toContain(`\`${values.node.kubeletDir}\``);
    expect(install).toContain(`${values.sidecars.provisioner?.timeout}`);
    expect(install).toContain(`${values.sidecars.attacher?.timeout}`);
    expect(install).toContain(`\`${values.csiDriver.fsGroupPolicy}\``);
    expect(install).toContain(`\`${values.node.hostMode}\` (default)`);
    expect(install).toContain(values.node.stateDir);
    expect(troubleshooting).toContain(`${values.node.healthPort}/${values.node.registrarHealthPort}`);
    expect(Number.parseInt(values.driver.cspTimeout, 10)).toBe(60);
    expect(install).toContain('`driver.cspTimeout` 60 s');
  });

  it('list every CSI secret slot and backend Secret key the chart writes', () => {
    const storageClassTemplate = readFileSync(join(chartDir, 'templates/storageclass.yaml'), 'utf8');
    const kinds = /\$secretKinds := list ((?:"[a-z-]+" ?)+)/.exec(storageClassTemplate)?.[1]?.match(/[a-z-]+/g) ?? [];
    expect(kinds.length).toBe(4);
    for (const kind of [...kinds, 'snapshotter']) {
      expect(parameters).toContain(`csi.storage.k8s.io/${kind}-secret-name`);
      expect(parameters).toContain(`csi.storage.k8s.io/${kind}-secret-namespace`);
    }
    const secretTemplate = readFileSync(join(chartDir, 'templates/secret-backend.yaml'), 'utf8');
    for (const key of ['backend', 'username', 'password', 'serviceName', 'servicePort']) {
      expect(secretTemplate).toContain(`${key}:`);
      expect(parameters).toContain(`| \`${key}\``);
    }
    for (const key of ['path', 'chapUser', 'chapPassword', 'chapMutualUser', 'chapMutualPassword']) {
      expect(secretTemplate).toContain(`"${key}"`);
      expect(parameters).toContain(`| \`${key}\``);
    }
  });

  it('link only to anchors that exist', () => {
    const docs: Record<string, string> = {
      'install.md': install,
      'parameters.md': parameters,
      'troubleshooting.md': troubleshooting,
      'security.md': security,
    };
    for (const [name, text] of Object.entries(docs)) {
      for (const m of text.matchAll(/\]\(((?:[a-z-]+\.md)?)#([a-z0-9-]+)\)/g)) {
        const target = m[1] || name;
        const targetText = docs[target];
        expect(targetText, `${name} links to ${target}`).toBeDefined();
        expect(anchors(targetText ?? '').has(m[2] ?? ''), `${name} → ${target}#${m[2]}`).toBe(true);
      }
    }
  });
});
