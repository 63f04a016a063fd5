import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OptionsError } from '@opencsp/csp-spec/options';
import { CspProblem } from '@opencsp/csp-spec/server';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/options.js';
import { normalizeVolblocksize, parseVolumeConfig, type VolumeDefaults } from '../src/volume-config.js';

const defaults: VolumeDefaults = {
  volblocksize: '16K',
  sparse: true,
  compression: 'INHERIT',
  dedup: 'INHERIT',
  sync: 'INHERIT',
  destroyOnDelete: true,
  description: 'opencsp volume {name}',
};

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

function problemsOf(work: () => unknown): string[] {
  try {
    work();
  } catch (err) {
    if (err instanceof OptionsError) {
      return err.problems;
    }
    throw err;
  }
  throw new Error('expected an OptionsError');
}

describe('process configuration', () => {
  it('has safe defaults and reads flags before the environment', async () => {
    const { config } = loadConfig(['--parent-datasets', 'tank/k8s'], {
      TRUENAS_ARRAY: 'nas.lan',
      CSP_PORT: '9000',
      TRUENAS_PORTAL: '2',
      CSP_TLS_CERT_FILE: '/tls/tls.crt',
      CSP_TLS_KEY_FILE: '/tls/tls.key',
    });
    expect(config).toMatchObject({
      port: 9000,
      serving: { tls: { certFile: '/tls/tls.crt', keyFile: '/tls/tls.key' }, plainHttp: false },
      array: 'nas.lan',
      allowedArrays: [],
      plaintextArrays: [],
      apiVersion: 'v25.10.0',
      tls: { ca: undefined },
      parents: ['tank/k8s'],
      portal: '2',
      volumeDefaults: defaults,
      login: { failuresPerArray: 2, failuresPerUser: 2, windowMs: 15 * 60_000, refusalMemoryMs: 0 },
    });
    const ca = fileURLToPath(new URL('./fixtures/ca.pem', import.meta.url));
    const { config: withCa } = loadConfig(
      ['--parent-datasets', 'tank/a,tank/b', '--tls-ca-file', ca, '--plain-http=true'],
      {},
    );
    expect(withCa.serving).toEqual({ tls: undefined, plainHttp: true });
    expect(withCa.tls.ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(withCa.parents).toEqual(['tank/a', 'tank/b']);
  });

  it('lists every problem at once', async () => {
    const problems = problemsOf(() =>
      loadConfig(
        [
          '--array',
          'http://nas/',
          '--tls-ca-file',
          '/nonexistent/ca.pem',
          '--tls-insecure',
          '--volblocksize',
          '3K',
          '--transport',
          'ws',
        ],
        {},
      ),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('--parent-datasets (or TRUENAS_PARENT_DATASETS) is required'),
        expect.stringContaining('--volblocksize "3K" must be a power of two'),
        expect.stringMatching(/unknown.*--tls-insecure|--tls-insecure.*unknown/),
        expect.stringMatching(/unknown.*--transport|--transport.*unknown/),
      ]),
    );
    const semantic = problemsOf(() =>
      loadConfig(
        [
          '--parent-datasets',
          'tank,tank/has space',
          '--array',
          'http://nas/',
          '--allowed-arrays',
          '10.0.0.5:99999',
          '--plaintext-arrays',
          'lab.example',
          '--tls-ca-file',
          '/nonexistent',
        ],
        {},
      ),
    );
    expect(semantic).toEqual(
      expect.arrayContaining([
        expect.stringContaining('--tls-ca-file: cannot read /nonexistent: ENOENT'),
        expect.stringContaining('"tank" must be a dataset path'),
        expect.stringContaining('"tank/has space" must be a dataset path'),
        expect.stringContaining('TRUENAS_ARRAY: "http://nas/" is not host or host:port'),
        expect.stringContaining('TRUENAS_ALLOWED_ARRAYS: "10.0.0.5:99999" is not host or host:port'),
        expect.stringContaining(
          'TRUENAS_PLAINTEXT_ARRAYS: lab.example is neither TRUENAS_ARRAY nor in TRUENAS_ALLOWED_ARRAYS',
        ),
      ]),
    );
    const dir = await mkdtemp(join(tmpdir(), 'csp-truenas-'));
    dirs.push(dir);
    await writeFile(join(dir, 'ca.pem'), 'not a certificate');
    const noCert = problemsOf(() =>
      loadConfig(['--parent-datasets', 'tank/k8s', '--tls-ca-file', join(dir, 'ca.pem'), '--plain-http=true'], {}),
    );
    expect(noCert).toEqual(['--tls-ca-file: the CA file holds no PEM certificate']);
    const long = problemsOf(() => loadConfig(['--parent-datasets', `tank/${'x'.repeat(80)}`, '--plain-http=true'], {}));
    expect(long[0]).toMatch(/too long/);
    // The CSP serves HTTPS unless plain HTTP is chosen explicitly; half a key pair is refused.
    expect(problemsOf(() => loadConfig(['--parent-datasets', 'tank/k8s'], {}))).toEqual([
      expect.stringMatching(/--cert-file and --key-file .* are required.*--plain-http/),
    ]);
    expect(problemsOf(() => loadConfig(['--parent-datasets', 'tank/k8s', '--cert-file', '/c'], {}))).toEqual([
      '--key-file (or CSP_TLS_KEY_FILE) is required with --cert-file',
    ]);
    expect(
      problemsOf(() =>
        loadConfig(['--parent-datasets', 'tank/k8s', '--cert-file', '/c', '--key-file', '/k', '--plain-http=true'], {}),
      ),
    ).toEqual(['--plain-http contradicts --cert-file/--key-file; choose HTTPS or plain HTTP']);
  });
});

describe('volume config keys', () => {
  it('parses, normalises and defaults', () => {
    expect(parseVolumeConfig(undefined, defaults, ['tank/k8s'])).toMatchObject({
      parent: 'tank/k8s',
      volblocksize: '16K',
      volblocksizeBytes: 16384,
      sparse: true,
    });
    const parsed = parseVolumeConfig(
      {
        root: 'tank/b',
        volblocksize: '64k',
        sparse: 'false',
        compression: 'lz4',
        deduplication: 'off',
        sync: 'Always',
        destroy_on_delete: false,
      },
      defaults,
      ['tank/a', 'tank/b'],
    );
    expect(parsed).toMatchObject({
      parent: 'tank/b',
      volblocksize: '64K',
      sparse: false,
      compression: 'LZ4',
      dedup: 'OFF',
      sync: 'ALWAYS',
      destroyOnDelete: false,
    });
    expect(normalizeVolblocksize(512)).toEqual({ choice: '512', bytes: 512 });
    expect(normalizeVolblocksize('128KiB')).toEqual({ choice: '128K', bytes: 131072 });
    expect(normalizeVolblocksize('256K')).toBeUndefined();
  });

  it('names the offending key', () => {
    for (const [config, field] of [
      [{ tier: 'gold' }, 'config.tier'],
      [{ compression: 'brotli' }, 'config.compression'],
      [{ sparse: 'perhaps' }, 'config.sparse'],
      [{ parent_dataset: 'other/x' }, 'config.parent_dataset'],
    ] as const) {
      try {
        parseVolumeConfig(config, defaults, ['tank/k8s']);
        throw new Error('expected a problem');
      } catch (err) {
        expect(err).toBeInstanceOf(CspProblem);
        expect((err as CspProblem).field).toBe(field);
        expect((err as CspProblem).reason).toBe('INVALID_INPUT');
      }
    }
  });
});
