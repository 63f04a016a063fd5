// The shell reference's blank check (vm/guest/blank.sh) follows the driver's rule: blkid -p exit 2
// with no error, then both ends of the device read with O_DIRECT (buffered after EINVAL). Run with
// bash against stub blkid/dd/blockdev that record their arguments, and against a real loop device.
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpawnRunner } from '@opencsp/csi-driver/node';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { attachLoop, detachLoopsUnder, requireLoopEnvironment } from '../../src/loop/index.js';

const blankSh = new URL('../../vm/guest/blank.sh', import.meta.url).pathname;
const dev = '/dev/mapper/mpatha';

/** What a probe printed: `probed=[...]` on success, `FAIL: reason` from lib.sh's fail. */
interface Probe {
  code: number | null;
  stdout: string;
  stderr: string;
}

function probe(device: string, env: Record<string, string>): Promise<Probe> {
  const script = [
    'fail() { echo "FAIL: $*"; exit 1; }',
    'log() { echo "e2e: $*"; }',
    `. ${JSON.stringify(blankSh)}`,
    'set -eE -o pipefail',
    'probe_device "$1"',
    'echo "probed=[$probed]"',
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script, 'probe', device], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: stdout.trim(), stderr: stderr.trim() }));
  });
}

/** Stub tools: each logs its argv to calls.log and answers from STUB_* variables. */
const stubs: Record<string, string> = {
  blkid: `echo "blkid $*" >>"$STUB_DIR/calls.log"
[ -z "$STUB_BLKID_ERR" ] || echo "$STUB_BLKID_ERR" >&2
[ -z "$STUB_BLKID_OUT" ] || echo "$STUB_BLKID_OUT"
exit "\${STUB_BLKID_RC:-2}"`,
  dd: `echo "dd $*" >>"$STUB_DIR/calls.log"
case "$*" in
*direct*) [ -z "$STUB_DD_DIRECT_ERR" ] || { echo "$STUB_DD_DIRECT_ERR" >&2; exit 1; } ;;
*) [ -z "$STUB_DD_BUFFERED_ERR" ] || { echo "$STUB_DD_BUFFERED_ERR" >&2; exit 1; } ;;
esac
exit 0`,
  blockdev: `echo "blockdev $*" >>"$STUB_DIR/calls.log"
echo "\${STUB_SIZE:-8388608}"`,
};

describe('shell blank check (blank.sh) with stub tools', () => {
  let dir: string;
  let env: Record<string, string>;
  const calls = async () => (await readFile(join(dir, 'calls.log'), 'utf8').catch(() => '')).trim().split('\n');
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opencsp-blank-sh-'));
    for (const [name, body] of Object.entries(stubs)) {
      await writeFile(join(dir, name), `#!/bin/bash\n${body}\n`);
      await chmod(join(dir, name), 0o755);
    }
    env = { PATH: `${dir}:${process.env.PATH}`, STUB_DIR: dir };
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('calls a device blank after blkid exit 2 and direct reads of both ends', async () => {
    const result = await probe(dev, env);
    expect(result).toMatchObject({ code: 0, stdout: 'probed=[]' });
    expect(await calls()).toEqual([
      `blkid -p -s TYPE -o value ${dev}`,
      `dd if=${dev} of=/dev/null bs=65536 count=1 status=none iflag=direct`,
      `blockdev --getsize64 ${dev}`,
      `dd if=${dev} of=/dev/null bs=65536 count=1 status=none skip=${8388608 - 65536} iflag=skip_bytes,direct`,
    ]);
  });

  it('reads a device of 64 KiB once', async () => {
    expect((await probe(dev, { ...env, STUB_SIZE: '65536' })).stdout).toBe('probed=[]');
    expect((await calls()).filter((c) => c.startsWith('dd '))).toHaveLength(1);
  });

  it('fails when blkid exit 2 comes with an error, without reading', async () => {
    const result = await probe(dev, { ...env, STUB_BLKID_ERR: `blkid: error: ${dev}: Input/output error` });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      `FAIL: blkid could not probe ${dev} (blkid: error: ${dev}: Input/output error); not formatting it`,
    );
    expect(await calls()).toEqual([`blkid -p -s TYPE -o value ${dev}`]);
  });

  it('fails when an end of the device cannot be read', async () => {
    const err = `dd: error reading '${dev}': Input/output error`;
    const result = await probe(dev, { ...env, STUB_DD_DIRECT_ERR: err });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      `FAIL: ${dev} cannot be read (${err}) although blkid found no signature; not formatting it`,
    );
    expect((await calls()).filter((c) => c.startsWith('dd '))).toHaveLength(1);
  });

  it('reads buffered where the device refuses O_DIRECT (EINVAL), and says so', async () => {
    const result = await probe(dev, {
      ...env,
      STUB_DD_DIRECT_ERR: `dd: failed to open '${dev}': Invalid argument`,
    });
    expect(result).toMatchObject({ code: 0, stdout: 'probed=[]' });
    expect(result.stderr).toContain(`e2e: ${dev} refuses direct I/O`);
    expect((await calls()).filter((c) => c.startsWith('dd '))).toEqual([
      `dd if=${dev} of=/dev/null bs=65536 count=1 status=none iflag=direct`,
      `dd if=${dev} of=/dev/null bs=65536 count=1 status=none`,
      `dd if=${dev} of=/dev/null bs=65536 count=1 status=none skip=${8388608 - 65536} iflag=skip_bytes,direct`,
      `dd if=${dev} of=/dev/null bs=65536 count=1 status=none skip=${8388608 - 65536} iflag=skip_bytes`,
    ]);
  });

  it('fails when the buffered read after EINVAL fails too', async () => {
    const result = await probe(dev, {
      ...env,
      STUB_DD_DIRECT_ERR: `dd: failed to open '${dev}': Invalid argument`,
      STUB_DD_BUFFERED_ERR: `dd: failed to open '${dev}': No such device or address`,
    });
    expect(result.stdout).toMatch(/^FAIL: .* cannot be read \(dd: failed to open .*: No such device or address\)/);
  });

  it('reports what blkid found, and fails on conflicting signatures or another exit', async () => {
    expect((await probe(dev, { ...env, STUB_BLKID_RC: '0', STUB_BLKID_OUT: 'xfs' })).stdout).toBe('probed=[xfs]');
    expect((await probe(dev, { ...env, STUB_BLKID_RC: '0' })).stdout).toBe(
      'probed=[an unknown signature (a partition table?)]',
    );
    const ambivalent = await probe(dev, { ...env, STUB_BLKID_RC: '8', STUB_BLKID_ERR: 'ambivalent result' });
    expect(ambivalent.stdout).toBe(
      `FAIL: ${dev} carries several conflicting signatures (blkid exit 8: ambivalent result); refusing to format or mount it`,
    );
    expect((await probe(dev, { ...env, STUB_BLKID_RC: '4' })).stdout).toBe(`FAIL: blkid -p ${dev} failed with exit 4`);
  });
});

describe('shell blank check (blank.sh) on a real loop device', () => {
  let dir: string;
  beforeAll(async () => {
    await requireLoopEnvironment();
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opencsp-blank-sh-'));
  });
  afterEach(async () => {
    await detachLoopsUnder(dir);
    await rm(dir, { recursive: true, force: true });
  });

  it('calls a zeroed device blank and an ext4 one ext4', async () => {
    const runner = new SpawnRunner({ kind: 'direct' });
    const file = join(dir, 'lun');
    await writeFile(file, Buffer.alloc(16 * 1024 * 1024));
    const device = await attachLoop(runner, file);
    expect(await probe(device, {})).toMatchObject({ code: 0, stdout: 'probed=[]', stderr: '' });
    expect((await runner.run('mkfs.ext4', ['-q', device])).code).toBe(0);
    expect(await probe(device, {})).toMatchObject({ code: 0, stdout: 'probed=[ext4]' });
  });
});
