// The driver over its unix socket: stale socket replaced, modes, Node placeholder, Probe, shutdown.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDriver } from '../src/driver.js';
import { createDriverLogger } from '../src/logger.js';
import { parseDriverOptions, parseEndpoint } from '../src/options.js';
import { loadCsi } from '../src/proto.js';
import { createHarness } from './node/harness.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csi-server-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function call<T>(client: grpc.Client, method: string, request: object): Promise<T> {
  return new Promise((resolve, reject) => {
    (client as unknown as Record<string, (...a: unknown[]) => void>)[method]?.call(
      client,
      request,
      (err: Error | null, res: T) => (err ? reject(err) : resolve(res)),
    );
  });
}

const logger = createDriverLogger('silent');
const base = { cspTimeout: 1000, cspTlsInsecure: false } as const;

describe('driver server', () => {
  it('parses options and endpoints', () => {
    expect(parseEndpoint('unix:///csi/csi.sock')).toBe('/csi/csi.sock');
    expect(parseEndpoint('unix:/csi/csi.sock')).toBe('/csi/csi.sock');
    expect(() => parseEndpoint('tcp://0.0.0.0:1')).toThrow(/unix socket/);
    const { values } = parseDriverOptions(['--mode', 'controller', '--csp-timeout', '30s'], {
      CSI_ENDPOINT: 'unix:///tmp/x.sock',
    });
    expect(values).toMatchObject({
      mode: 'controller',
      cspTimeout: 30_000,
      endpoint: '/tmp/x.sock',
      cspTlsInsecure: false,
    });
    expect(() => parseDriverOptions(['--mode', 'both'], {})).toThrow(/--mode/);
  });

  it('replaces a stale socket, serves node mode with the Node service, and removes the socket at stop', async () => {
    const socket = join(dir, 'csi.sock');
    const stale = createServer();
    await new Promise<void>((resolve) => stale.listen(socket, resolve));
    await new Promise<void>((resolve) => stale.close(() => resolve()));
    const stale2 = createServer();
    await new Promise<void>((resolve) => stale2.listen(join(dir, 'other.sock'), resolve));
    stale2.close();
    await expect(startDriver({ ...base, endpoint: socket, mode: 'node' }, { logger })).rejects.toThrow(
      /no NodeService/,
    );
    const nodeHarness = await createHarness();
    const driver = await startDriver(
      { ...base, endpoint: socket, mode: 'node' },
      { logger, node: nodeHarness.service },
    );
    const v1 = loadCsi().csi.v1;
    const identity = new v1.Identity(`unix:${socket}`, grpc.credentials.createInsecure());
    const node = new v1.Node(`unix:${socket}`, grpc.credentials.createInsecure());
    const controller = new v1.Controller(`unix:${socket}`, grpc.credentials.createInsecure());
    try {
      const info = await call<{ name: string }>(identity, 'GetPluginInfo', {});
      expect(info.name).toBe('csi.opencsp.io');
      const caps = await call<{ capabilities: { service?: { type: string } }[] }>(
        identity,
        'GetPluginCapabilities',
        {},
      );
      // The plugin has a controller service (elsewhere): CSI asks about the plugin, not the process.
      expect(caps.capabilities.map((c) => c.service?.type)).toContain('CONTROLLER_SERVICE');
      expect(await call<{ ready: { value: boolean } }>(identity, 'Probe', {})).toEqual({ ready: { value: true } });
      const info2 = await call<{ nodeId: string; maxVolumesPerNode: number }>(node, 'NodeGetInfo', {});
      expect(info2.nodeId).toMatch(/^worker-1;iqn\./);
      await expect(call(node, 'NodeStageVolume', {})).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
      await expect(call(controller, 'CreateVolume', {})).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
    } finally {
      identity.close();
      node.close();
      controller.close();
      await driver.stop(1000);
      await nodeHarness.cleanup();
    }
    await expect(stat(socket)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses to replace a file that is not a socket', async () => {
    const path = join(dir, 'csi.sock');
    await import('node:fs/promises').then((fs) => fs.writeFile(path, 'not a socket'));
    await expect(startDriver({ ...base, endpoint: path, mode: 'controller' }, { logger })).rejects.toThrow(
      /not a socket/,
    );
  });

  it('reports an unreachable CSP from Probe in controller mode', async () => {
    const socket = join(dir, 'csi.sock');
    const secretDir = join(dir, 'secret');
    const fs = await import('node:fs/promises');
    await fs.mkdir(secretDir);
    for (const [k, v] of Object.entries({
      backend: 'a',
      username: 'u',
      password: 'p',
      serviceName: '127.0.0.1',
      servicePort: '1',
    })) {
      await fs.writeFile(join(secretDir, k), v);
    }
    const driver = await startDriver(
      { ...base, endpoint: socket, mode: 'controller', cspSecretDir: secretDir },
      { logger, cspRetries: 0 },
    );
    const identity = new (loadCsi().csi.v1.Identity)(`unix:${socket}`, grpc.credentials.createInsecure());
    try {
      await expect(call(identity, 'Probe', {})).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    } finally {
      identity.close();
      await driver.stop(1000);
    }
  });
});
