import { describe, expect, it } from 'vitest';
import type { VmImage } from '../../src/vm/image.js';
import { mountsBelow } from '../../src/vm/mounts.js';
import { parseOptions, timeoutFor, UsageError } from '../../src/vm/options.js';
import { kernelCommandLine, qemuArgs } from '../../src/vm/qemu.js';
import { defaultRecipe, GUEST_PACKAGES, recipeHash } from '../../src/vm/recipe.js';
import { guestParams, imageFor, type ScenarioSpec, scenarioLabel } from '../../src/vm/scenario-run.js';

describe('image recipe hash', () => {
  it('is stable, ignores package order, and changes with the init or the package list', () => {
    const base = defaultRecipe('#!/bin/sh\necho init\n');
    const hash = recipeHash(base);
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(recipeHash(defaultRecipe('#!/bin/sh\necho init\n'))).toBe(hash);
    expect(recipeHash({ ...base, packages: [...base.packages].reverse() })).toBe(hash);
    expect(recipeHash(defaultRecipe('#!/bin/sh\necho other\n'))).not.toBe(hash);
    expect(recipeHash({ ...base, packages: [...base.packages, 'tgt'] })).not.toBe(hash);
    expect(recipeHash({ ...base, format: base.format + 1 })).not.toBe(hash);
    expect(recipeHash({ ...base, extraKernelSuite: 'trixie' })).not.toBe(hash);
  });

  it('carries the kernel, initiator, multipath and target packages', () => {
    for (const pkg of ['linux-image-amd64', 'open-iscsi', 'nvme-cli', 'multipath-tools', 'python3-rtslib-fb', 'udev']) {
      expect(GUEST_PACKAGES).toContain(pkg);
    }
  });
});

describe('QEMU command line', () => {
  const image = {
    dir: '/c/img',
    kernel: '/c/img/vmlinuz',
    initrd: '/c/img/initrd.img',
    rootfs: '/c/img/rootfs.img',
  } as VmImage;

  it('boots TCG with no NIC, a snapshot drive, two read-only 9p shares and the e2e parameters', () => {
    const args = qemuArgs({
      image,
      shares: { repoDir: '/repo', nodeDir: '/tmp/x/hostnode' },
      serialLog: '/tmp/x/serial.log',
      params: { 'e2e.ops': 'js', 'e2e.entry': 'packages/testbed/dist/vm/guest/main.js' },
    });
    const after = (flag: string) => args[args.indexOf(flag) + 1];
    expect(after('-accel')).toBe('tcg,thread=multi');
    expect(after('-nic')).toBe('none');
    expect(after('-serial')).toBe('file:/tmp/x/serial.log');
    expect(after('-drive')).toBe('file=/c/img/rootfs.img,format=raw,if=virtio,snapshot=on');
    expect(args.filter((a) => a.startsWith('local,path='))).toEqual([
      'local,path=/repo,mount_tag=repo,security_model=none,readonly=on',
      'local,path=/tmp/x/hostnode,mount_tag=hostnode,security_model=none,readonly=on',
    ]);
    expect(after('-append')).toBe(
      'console=ttyS0 root=/dev/vda rw init=/sbin/opencsp-e2e-init panic=1 e2e.ops=js e2e.entry=packages/testbed/dist/vm/guest/main.js',
    );
  });

  it('adds a writable share for what the guest hands back', () => {
    const args = qemuArgs({
      image,
      shares: { repoDir: '/repo', nodeDir: '/tmp/x/hostnode', outDir: '/tmp/x/out' },
      serialLog: '/tmp/x/serial.log',
      params: { 'e2e.ops': 'sanity' },
    });
    expect(args.filter((a) => a.startsWith('local,path='))).toEqual([
      'local,path=/repo,mount_tag=repo,security_model=none,readonly=on',
      'local,path=/tmp/x/hostnode,mount_tag=hostnode,security_model=none,readonly=on',
      'local,path=/tmp/x/out,mount_tag=out,security_model=none',
    ]);
  });

  it('refuses parameters that would break the kernel command line or the -virtfs option', () => {
    expect(() => kernelCommandLine({ 'e2e.ops': 'shell init=/bin/sh' })).toThrow(/invalid guest parameter/);
    expect(() => kernelCommandLine({ quiet: '1' })).toThrow(/invalid guest parameter/);
    expect(() => qemuArgs({ image, shares: { repoDir: '/a,b', nodeDir: '/n' }, serialLog: '/s', params: {} })).toThrow(
      /comma/,
    );
  });
});

describe('command-line options', () => {
  it("defaults to the driver's node service with both CHAP flavours, the shell reference run, csi-sanity and NVMe/TCP", () => {
    const options = parseOptions([]);
    expect(options.runs.map((r) => `${r.ops}:${r.chap}`)).toEqual([
      'csi:mutual',
      'csi:oneway',
      'shell:oneway',
      'sanity:mutual',
      'nvme:plain',
      'nvme:dhchap',
    ]);
    expect(options.runs.map((r) => timeoutFor(options, r))).toEqual([600, 600, 600, 4800, 600, 600]);
    expect(options.rebuild).toBe(false);
  });

  it('takes repeated --run, --entry, --timeout and flags', () => {
    const options = parseOptions([
      '--run',
      'js:oneway',
      '--run',
      'shell:mutual',
      '--entry',
      'packages/x/dist/entry.js',
      '--timeout',
      '90',
      '--rebuild',
    ]);
    expect(options.runs).toEqual([
      { ops: 'js', chap: 'oneway', entry: 'packages/x/dist/entry.js' },
      { ops: 'shell', chap: 'mutual', entry: 'packages/x/dist/entry.js' },
    ]);
    expect(options.timeoutSeconds).toBe(90);
    expect(options.runs.map((r) => timeoutFor(options, r))).toEqual([90, 90]);
    expect(options.rebuild).toBe(true);
    expect(parseOptions(['--run', 'sanity:oneway']).runs).toEqual([
      { ops: 'sanity', chap: 'oneway', entry: 'packages/testbed/dist/vm/guest/main.js' },
    ]);
  });

  it('boots the extra (backports) kernel for DH-CHAP only, and refuses it when the image has none', () => {
    const [plain, dhchap] = parseOptions(['--run', 'nvme:plain', '--run', 'nvme:dhchap']).runs;
    expect(plain?.kernel).toBeUndefined();
    expect(dhchap?.kernel).toBe('extra');
    const base = {
      dir: '/c/img',
      kernel: '/c/img/vmlinuz',
      initrd: '/c/img/initrd.img',
      rootfs: '/c/img/rootfs.img',
      manifest: { hash: 'abc' },
    } as VmImage;
    const withExtra: VmImage = {
      ...base,
      extraKernel: { kernel: '/c/img/vmlinuz.extra', initrd: '/c/img/initrd.extra.img', version: '6.12.0-0-amd64' },
    };
    expect(imageFor(plain as ScenarioSpec, withExtra).kernel).toBe('/c/img/vmlinuz');
    expect(imageFor(dhchap as ScenarioSpec, withExtra)).toMatchObject({
      kernel: '/c/img/vmlinuz.extra',
      initrd: '/c/img/initrd.extra.img',
      rootfs: '/c/img/rootfs.img',
    });
    expect(() => imageFor(dhchap as ScenarioSpec, base)).toThrow(/extra kernel/);
    expect(() => parseOptions(['--run', 'nvme:oneway'])).toThrow(UsageError);
  });

  it('runs the stage benchmark only when asked, with its count on the kernel command line', () => {
    expect(parseOptions([]).runs.some((r) => r.ops === 'stagebench')).toBe(false);
    const options = parseOptions(['--run', 'stagebench:20']);
    const [spec] = options.runs;
    expect(spec).toMatchObject({ ops: 'stagebench', count: 20 });
    expect(timeoutFor(options, spec as ScenarioSpec)).toBe(1800);
    expect(scenarioLabel(spec as ScenarioSpec)).toBe('stagebench-20');
    expect(guestParams(spec as ScenarioSpec)).toEqual({ 'e2e.scenario': 'stagebench', 'e2e.count': '20' });
    expect(guestParams({ ops: 'csi', chap: 'mutual', entry: 'x.js' })).toEqual({
      'e2e.ops': 'js',
      'e2e.chap': 'mutual',
      'e2e.entry': 'x.js',
      'e2e.jsops': 'service',
    });
    for (const bad of ['stagebench', 'stagebench:0', 'stagebench:65', 'stagebench:2x', 'stagebench:2:3']) {
      expect(() => parseOptions(['--run', bad]), bad).toThrow(UsageError);
    }
  });

  it('rejects bad runs, entries outside the repo, short timeouts and unknown flags', () => {
    expect(() => parseOptions(['--run', 'python:oneway'])).toThrow(UsageError);
    expect(() => parseOptions(['--entry', '../outside.js'])).toThrow(/inside the repo/);
    expect(() => parseOptions(['--timeout', '5'])).toThrow(/at least 30/);
    expect(() => parseOptions(['--bogus'])).toThrow(UsageError);
  });
});

describe('mounts below a build directory', () => {
  it('lists mount points strictly below the directory, deepest first, decoding escapes', () => {
    const mountinfo = [
      '22 1 0:21 / /proc rw - proc proc rw',
      '90 22 0:5 / /c/build/rootfs/proc rw - proc proc rw',
      '91 90 0:6 / /c/build/rootfs/proc/sys/fs/binfmt_misc rw - binfmt_misc x rw',
      '92 22 0:7 / /c/build/rootfs/my\\040dir rw - tmpfs tmpfs rw',
      '93 22 0:8 / /c/build-other rw - tmpfs tmpfs rw',
      '94 22 0:9 / /c/build rw - tmpfs tmpfs rw',
    ].join('\n');
    expect(mountsBelow(mountinfo, '/c/build')).toEqual([
      '/c/build/rootfs/proc/sys/fs/binfmt_misc',
      '/c/build/rootfs/my dir',
      '/c/build/rootfs/proc',
    ]);
  });
});
