import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStateStore, stateFileName } from '../../src/state/store.js';
import type { VolumeState } from '../../src/state/volume-state.js';

const state = (volumeId: string): VolumeState => ({
  version: 1,
  volumeId,
  stagingTargetPath: '/var/lib/kubelet/plugins/kubernetes.io/csi/csi.opencsp.io/x/globalmount',
  accessType: 'mount',
  accessMode: 'SINGLE_NODE_WRITER',
  phase: 'staged',
  transport: 'iscsi',
  attachment: { targets: [{ iqn: 'iqn.2000-01.com.example:t', portal: '10.0.0.1:3260' }], lun: 1, scope: 'volume' },
  fsType: 'ext4',
  readOnly: false,
  updatedAt: '2026-01-01T00:00:00.000Z',
});

describe('FileStateStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opencsp-state-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one 0600 file per volume named by sha256, atomically, and reads it back', async () => {
    const store = new FileStateStore(join(dir, 'node'));
    const id = 'pvc-1/with:odd chars';
    await store.put(state(id));
    await store.put({ ...state(id), phase: 'detaching' });
    const names = await readdir(join(dir, 'node'));
    expect(names).toEqual([stateFileName(id)]);
    expect(names[0]).toMatch(/^[0-9a-f]{64}\.json$/);
    expect((await stat(join(dir, 'node', names[0] ?? ''))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'node'))).mode & 0o777).toBe(0o700);
    expect((await store.get(id))?.phase).toBe('detaching');
    expect(await store.list()).toHaveLength(1);
  });

  it('returns undefined and [] when nothing is stored, and removes idempotently', async () => {
    const store = new FileStateStore(join(dir, 'missing'));
    expect(await store.get('x')).toBeUndefined();
    expect(await store.list()).toEqual([]);
    await store.put(state('x'));
    await store.remove('x');
    await store.remove('x');
    expect(await store.get('x')).toBeUndefined();
  });

  it('reports a corrupt or foreign file instead of guessing', async () => {
    const store = new FileStateStore(dir);
    await writeFile(join(dir, stateFileName('bad')), '{not json');
    await expect(store.get('bad')).rejects.toThrow(/is not valid JSON; inspect or remove it/);
    await writeFile(join(dir, stateFileName('old')), JSON.stringify({ ...state('old'), version: 7 }));
    await expect(store.get('old')).rejects.toThrow(/unknown version 7/);
    await writeFile(join(dir, stateFileName('swap')), JSON.stringify(state('other')));
    await expect(store.get('swap')).rejects.toThrow(/names another volume/);
  });

  it('never leaves temp files behind', async () => {
    const store = new FileStateStore(dir);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.put({ ...state('v'), updatedAt: String(i) })));
    expect(await readdir(dir)).toEqual([stateFileName('v')]);
    expect(JSON.parse(await readFile(join(dir, stateFileName('v')), 'utf8')).volumeId).toBe('v');
  });
});
