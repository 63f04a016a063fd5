// The runner against real processes: exit codes, output, process-group timeouts, redaction, host
// modes (chroot into / and nsenter into our own namespaces exercise the real wrapping).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DriverError } from '../../src/errors.js';
import { commandError, describeFailure, resolveNsenterPid, runChecked, SpawnRunner } from '../../src/host/runner.js';

const isRoot = process.getuid?.() === 0;

describe('SpawnRunner (direct)', () => {
  const runner = new SpawnRunner();
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'opencsp-runner-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns code, stdout and stderr without a shell', async () => {
    const result = await runner.run('printf', ['%s|', 'a b', '$(id)', ';rm -rf /']);
    expect(result).toMatchObject({ code: 0, stdout: 'a b|$(id)|;rm -rf /|', stderr: '', timedOut: false });
  });

  it('describes a failure as "<cmd> exited <code>: <first stderr line>"', async () => {
    const result = await runner.run('sh', ['-c', 'echo first >&2; echo second >&2; exit 3']);
    expect(result.code).toBe(3);
    expect(describeFailure(result)).toBe('sh -c echo first >&2; echo second >&2; exit 3 exited 3: first');
    const err = commandError(result, 'FailedPrecondition', 'doing a thing');
    expect(err).toBeInstanceOf(DriverError);
    expect(err.kind).toBe('FailedPrecondition');
    expect(err.message).toMatch(/^doing a thing: sh .* exited 3: first$/);
  });

  it('skips e2fsprogs version banners when picking the error line', async () => {
    const result = await runner.run('sh', [
      '-c',
      'echo "resize2fs 1.47.0 (5-Feb-2023)" >&2; echo "resize2fs: Permission denied to resize filesystem" >&2; exit 1',
    ]);
    expect(describeFailure(result)).toMatch(/exited 1: resize2fs: Permission denied to resize filesystem$/);
  });

  it('kills the whole process group on timeout', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    const result = await runner.run('sh', ['-c', `sleep 60 & echo $! > ${pidFile}; wait`], { timeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    expect(result.code).toBeNull();
    const grandchild = Number(await readFile(pidFile, 'utf8'));
    // Killed means gone or a zombie waiting for its (re)parent to reap it; it may still be exiting.
    const procState = () =>
      readFile(`/proc/${grandchild}/stat`, 'utf8').then(
        (stat) => stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3),
        () => 'gone',
      );
    let state = await procState();
    for (let i = 0; i < 40 && state !== 'gone' && state !== 'Z'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      state = await procState();
    }
    expect(['gone', 'Z']).toContain(state);
    expect(commandError(result).kind).toBe('DeadlineExceeded');
    expect(describeFailure(result)).toMatch(/timed out and was killed$/);
  });

  it('redacts secrets from the command line, the output and errors, and hides chosen arguments', async () => {
    const secret = 'chap-s3cret-value';
    const result = await runner.run('sh', ['-c', 'echo "login failed for $1" >&2; exit 24', 'sh', secret], {
      secrets: [secret],
    });
    expect(result.command).not.toContain(secret);
    expect(describeFailure(result, [secret])).toBe(
      'sh -c echo "login failed for $1" >&2; exit 24 sh <redacted> exited 24: login failed for <redacted>',
    );
    const hidden = await runner.run('true', ['-o', 'user=me,pass=x'], { redactArgs: [1] });
    expect(hidden.command).toBe('true -o <redacted>');
    await expect(runChecked(runner, 'sh', ['-c', `echo ${secret} >&2; exit 1`], { secrets: [secret] })).rejects.toThrow(
      /exited 1: <redacted>$/,
    );
  });

  it('passes stdin and reports a missing tool as FailedPrecondition', async () => {
    expect((await runner.run('cat', [], { stdin: 'hello' })).stdout).toBe('hello');
    const err = await runner.run('opencsp-no-such-tool', []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DriverError);
    expect((err as DriverError).kind).toBe('FailedPrecondition');
    expect((err as DriverError).message).toMatch(/opencsp-no-such-tool not found/);
  });
});

describe.runIf(isRoot)('SpawnRunner host modes (as root)', () => {
  it('chroot mode runs the tool under the host root with a clean environment', async () => {
    const runner = new SpawnRunner({ kind: 'chroot', root: '/' });
    const result = await runner.run('env', []);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    expect(result.command).toBe('env');
    const missing = await runner.run('opencsp-no-such-tool', []);
    expect(missing.code).toBe(127);
    expect(commandError(missing).kind).toBe('FailedPrecondition');
  });

  it('nsenter mode enters the namespaces of the target process', async () => {
    const runner = new SpawnRunner({ kind: 'nsenter', target: process.pid });
    const result = await runner.run('cat', ['/proc/self/comm']);
    expect(result).toMatchObject({ code: 0, stdout: 'cat\n' });
  });
});

describe('resolveNsenterPid', () => {
  let proc: string;
  beforeEach(async () => {
    proc = await mkdtemp(join(tmpdir(), 'opencsp-proc-'));
  });
  afterEach(async () => {
    await rm(proc, { recursive: true, force: true });
  });

  it('finds the oldest iscsid and reports when there is none', async () => {
    const { mkdir, writeFile } = await import('node:fs/promises');
    for (const [pid, comm] of [
      ['7', 'bash'],
      ['40', 'iscsid'],
      ['41', 'iscsid'],
    ] as const) {
      await mkdir(join(proc, pid));
      await writeFile(join(proc, pid, 'comm'), `${comm}\n`);
    }
    expect(await resolveNsenterPid('iscsid', proc)).toBe(40);
    expect(await resolveNsenterPid(12, proc)).toBe(12);
    await rm(join(proc, '40'), { recursive: true });
    await rm(join(proc, '41'), { recursive: true });
    await expect(resolveNsenterPid('iscsid', proc)).rejects.toThrow(/no iscsid process found/);
  });
});
