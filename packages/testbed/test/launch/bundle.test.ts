// The services' bundles (scripts/bundle.mjs, what the images ship) run on their own: each is copied
// where no node_modules can be found and started on the images' Node, and what they read at run
// time besides their code is there (the driver's proto files and version, the contract, the Swagger
// UI's files, the modules fastify and Ajv load on demand). `pnpm build` makes the bundles.
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Program } from '../../src/launch/program.js';
import { type ServicePackage, serviceDir, serviceEntryKind } from '../../src/launch/service-entry.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

/** The service's bundle, copied to a temporary directory; returns that directory. */
async function copiedBundle(pkg: ServicePackage): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `opencsp-bundle-${pkg}-`));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await cp(serviceDir(pkg, 'bundle'), join(dir, 'bundle'), { recursive: true });
  return dir;
}

function start(pkg: ServicePackage, dir: string, args: string[], env: NodeJS.ProcessEnv = {}): Program {
  const program = new Program({
    name: pkg,
    script: join(dir, 'bundle', 'main.js'),
    args,
    logFile: join(dir, 'log'),
    env,
  });
  cleanups.push(() => program.stop(5_000));
  return program;
}

async function get(base: string, path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(new URL(path, base));
  return { status: response.status, body: await response.text() };
}

describe('the bundles of the services', () => {
  it('are what the suites run unless OPENCSP_SERVICE_ENTRY says otherwise', () => {
    expect(serviceEntryKind({})).toBe('bundle');
    expect(serviceEntryKind({ OPENCSP_SERVICE_ENTRY: 'dist' })).toBe('dist');
    expect(() => serviceEntryKind({ OPENCSP_SERVICE_ENTRY: 'src' })).toThrow(/OPENCSP_SERVICE_ENTRY/);
    expect(serviceDir('csp-truenas', 'dist')).toMatch(/packages[\\/]csp-truenas[\\/]dist$/);
  });

  it('the driver starts without node_modules and reports its version', async () => {
    const dir = await copiedBundle('csi-driver');
    const { version } = JSON.parse(
      await readFile(join(import.meta.dirname, '../../../csi-driver/package.json'), 'utf8'),
    );
    const driver = start('csi-driver', dir, ['--endpoint', `unix://${join(dir, 'csi.sock')}`, '--mode', 'controller']);
    const listening = await driver.waitForJson<{ version: string }>(/CSI driver listening/, 60_000);
    expect(listening.version).toBe(version);
  });

  for (const pkg of ['csp-truenas', 'csp-synology'] as const) {
    it(`${pkg} starts without node_modules and serves the contract, its checks and /docs`, async () => {
      const dir = await copiedBundle(pkg);
      const own =
        pkg === 'csp-truenas'
          ? ['--array', '127.0.0.1:1', '--parent-datasets', 'tank/k8s']
          : ['--dsm-url', 'https://127.0.0.1:1'];
      const csp = start(pkg, dir, ['--host', '127.0.0.1', '--port', '0', '--plain-http', ...own], {
        CSP_RESPONSE_VALIDATION: 'strict',
      });
      const { address } = await csp.waitForJson<{ address: string }>(/"CSP listening"/, 60_000);
      expect((await get(address, '/healthz')).status).toBe(200);
      // No token: the contract's 401, its body checked by Ajv (response validation, loaded on demand).
      const unauthorized = await get(address, '/containers/v1/volumes');
      expect(unauthorized.status).toBe(401);
      expect(JSON.parse(unauthorized.body)).toMatchObject({ errors: [{ reason: 'UNAUTHENTICATED' }] });
      // The Swagger UI: its plugin, the contract and the UI's static files.
      expect((await get(address, '/docs/json')).body).toContain('"openapi"');
      for (const path of ['/docs/', '/docs/static/swagger-ui-bundle.js', '/docs/static/logo.svg']) {
        expect((await get(address, path)).status, path).toBe(200);
      }
      expect(csp.running).toBe(true);
    });
  }
});
