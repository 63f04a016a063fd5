// Which Node runs the services in the upstream suites: the images' runtime when setup fetched it,
// OPENCSP_SERVICE_NODE when set, else this process's Node with a notice, and never silently so in CI.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packedTools } from '../../../../scripts/packed-tools.mjs';
import {
  describeServiceNode,
  imageNodeVersion,
  type ResolveContext,
  resolveServiceNode,
} from '../../src/launch/service-node.js';

const root = '/repo';
const pinned = join(root, '.cache/tools', `node-${imageNodeVersion}`, 'node');

function context(over: Partial<ResolveContext> & { present?: string[]; versions?: Record<string, string> }) {
  const { present = [], versions = {}, ...rest } = over;
  return {
    env: {},
    root,
    execPath: '/usr/bin/node',
    exists: (path: string) => present.includes(path),
    versionOf: (path: string) => versions[path] ?? new Error(`spawn ${path} ENOENT`),
    ...rest,
  } satisfies ResolveContext;
}

describe("the services' Node", () => {
  it('is the version packed-tools.mjs pins', () => {
    expect(imageNodeVersion).toBe(packedTools.node.version);
  });

  it("is the images' runtime when setup fetched it", () => {
    const node = resolveServiceNode(context({ present: [pinned], versions: { [pinned]: `v${imageNodeVersion}` } }));
    expect(node).toEqual({ path: pinned, version: `v${imageNodeVersion}`, source: 'pinned' });
    expect(describeServiceNode(node)).toContain("the images' runtime");
  });

  it('finds the runtime under OPENCSP_TOOLS_DIR', () => {
    const path = `/tools/node-${imageNodeVersion}/node`;
    const node = resolveServiceNode(
      context({ env: { OPENCSP_TOOLS_DIR: '/tools' }, present: [path], versions: { [path]: `v${imageNodeVersion}` } }),
    );
    expect(node.path).toBe(path);
  });

  it('refuses a runtime in the pinned place that is another version', () => {
    const ctx = context({ present: [pinned], versions: { [pinned]: 'v24.0.0' } });
    expect(() => resolveServiceNode(ctx)).toThrow(/is Node v24\.0\.0, not the images' v24/);
  });

  it('is OPENCSP_SERVICE_NODE when set, and says so', () => {
    const node = resolveServiceNode(
      context({ env: { OPENCSP_SERVICE_NODE: '/opt/node' }, present: [pinned], versions: { '/opt/node': 'v22.1.0' } }),
    );
    expect(node).toEqual({ path: '/opt/node', version: 'v22.1.0', source: 'override' });
    expect(describeServiceNode(node)).toContain('OPENCSP_SERVICE_NODE');
  });

  it('names OPENCSP_SERVICE_NODE when that program does not run', () => {
    const ctx = context({ env: { OPENCSP_SERVICE_NODE: '/nowhere/node' } });
    expect(() => resolveServiceNode(ctx)).toThrow(/OPENCSP_SERVICE_NODE \/nowhere\/node does not run \(spawn/);
  });

  it("falls back to this process's Node with a notice that names the missing runtime", () => {
    const node = resolveServiceNode(context({ versions: { '/usr/bin/node': 'v20.20.2' } }));
    expect(node).toEqual({ path: '/usr/bin/node', version: 'v20.20.2', source: 'current' });
    expect(describeServiceNode(node)).toMatch(new RegExp(`NOT the images' ${imageNodeVersion}: run npm run setup`));
  });

  it('is an error in CI when the runtime is missing', () => {
    const ctx = context({ env: { CI: '1' }, versions: { '/usr/bin/node': 'v20.20.2' } });
    expect(() => resolveServiceNode(ctx)).toThrow(`the images' Node.js ${imageNodeVersion} is missing (${pinned})`);
  });
});
