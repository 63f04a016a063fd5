// The image build files must agree with the packages they ship and with the chart that runs
// them: entry points, the host tools the node plugin needs, a Node LTS base, the non-root user
// and port the chart's CSP pods expect. (Images cannot be built on these machines; CI of the
// release pipeline builds them.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packedTools } from '../../../../scripts/packed-tools.mjs';
import { chartDir, repoRoot } from '../../src/chart/helm.js';

function read(path: string): string {
  return readFileSync(join(repoRoot, path), 'utf8');
}

/** Instructions of the last stage of a Dockerfile, continuation lines joined, comments dropped. */
function finalStage(dockerfile: string): string[] {
  const lines = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const lastFrom = lines.reduce((at, l, i) => (l.startsWith('FROM ') ? i : at), -1);
  return lines.slice(lastFrom);
}

function binOf(pkg: string): string {
  const manifest = JSON.parse(read(`packages/${pkg}/package.json`)) as { bin?: Record<string, string> };
  return Object.values(manifest.bin ?? {})[0] ?? '';
}

const values = parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as {
  image: { repository: string };
  csps: Record<string, { image: { repository: string } }>;
};

describe('image build files', () => {
  const driver = read('build/csi-driver.Dockerfile');
  const csp = read('build/csp.Dockerfile');

  it('ship the bundle of the driver and of each CSP (scripts/bundle.mjs), started from its main.js', () => {
    // The bundle is built from the package's entry point (dist/main.js) and keeps its name.
    for (const name of ['csi-driver', 'csp-truenas', 'csp-synology']) {
      expect(binOf(name)).toBe('./dist/main.js');
    }
    expect(driver).toContain('&& node scripts/bundle.mjs csi-driver');
    expect(finalStage(driver)).toContain('COPY --from=build /src/packages/csi-driver/bundle ./');
    expect(finalStage(driver)).toContain('ENTRYPOINT ["node", "main.js"]');
    expect(csp).toContain(`&& node scripts/bundle.mjs "csp-\${CSP}"`);
    expect(finalStage(csp)).toContain(`COPY --from=build --chown=0:0 "/src/packages/csp-\${CSP}/bundle" ./`);
    expect(finalStage(csp)).toContain('ENTRYPOINT ["node", "main.js"]');
  });

  it('ship the host tools the node plugin needs in direct mode', () => {
    const install = finalStage(driver).find((l) => l.includes('apt-get install')) ?? '';
    for (const pkg of [
      'open-iscsi',
      'multipath-tools',
      'e2fsprogs',
      'xfsprogs',
      'btrfs-progs',
      'util-linux',
      'mount',
    ]) {
      expect(install.split(/\s+/)).toContain(pkg);
    }
  });

  it('use a Node LTS base image', () => {
    for (const file of [driver, csp]) {
      const major = Number(/ARG NODE_IMAGE=node:(\d+)[.-]/.exec(file)?.[1]);
      expect(major % 2, 'even Node majors become LTS').toBe(0);
      expect(major).toBeGreaterThanOrEqual(22);
    }
  });

  it('pin the Node.js version the upstream suites run the services on (scripts/packed-tools.mjs)', () => {
    const version = packedTools.node.version;
    expect(version).toBe(packedTools.node.packageVersion);
    const images = [
      [driver, `node:${version}-trixie-slim`],
      [csp, `node:${version}-alpine`],
    ] as const;
    for (const [file, image] of images) {
      // The default of the one ARG both stages use, and no other node image anywhere in the file.
      expect(/^ARG NODE_IMAGE=(\S+)$/m.exec(file)?.[1]).toBe(image);
      expect(file.match(/^FROM .*$/gm)?.every((l) => /^FROM \$\{NODE_IMAGE\}( AS \w+)?$/.test(l))).toBe(true);
    }
  });

  it('run the CSPs as the non-root user and port the chart expects', () => {
    const stage = finalStage(csp);
    expect(stage).toContain('USER 65532:65532');
    expect(stage).toContain('EXPOSE 8080');
    const cspTemplate = readFileSync(join(chartDir, 'templates/_csp.tpl'), 'utf8');
    expect(cspTemplate).toContain('runAsUser: 65532');
    expect(cspTemplate).toContain('containerPort: 8080');
  });

  it('name the images the chart pulls by default', () => {
    expect(driver).toContain(`-t ${values.image.repository}:`);
    for (const name of ['truenas', 'synology']) {
      expect(csp).toContain(`--build-arg CSP=${name}`);
      expect(values.csps[name]?.image.repository).toBe(`ghcr.io/opencsp/csp-${name}`);
      expect(csp).toContain(`-t ${values.csps[name]?.image.repository}:`);
    }
  });

  it('keep local build output and dependencies out of the build context', () => {
    const ignore = read('.dockerignore').split('\n');
    expect(ignore).toContain('**/node_modules');
    expect(ignore).toContain('**/dist');
    expect(ignore).toContain('packages/*/bundle');
  });
});
