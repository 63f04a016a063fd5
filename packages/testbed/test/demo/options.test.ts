import { describe, expect, it } from 'vitest';
import { defaultDemoOptions, parseDemoArgs, parseSize, UsageError } from '../../src/demo/options.js';
import { Story } from '../../src/demo/report.js';
import { formatBytes, formatQuantity } from '../../src/demo/units.js';

describe('demo options', () => {
  it('defaults to xfs, 1Gi, node part when possible, no JSON', () => {
    expect(parseDemoArgs([])).toEqual(defaultDemoOptions);
    expect(defaultDemoOptions).toMatchObject({ fs: 'xfs', size: 1024 ** 3, node: 'auto', keep: false });
  });

  it('reads every flag', () => {
    expect(
      parseDemoArgs([
        '--backend',
        'truenas',
        '--fs',
        'btrfs',
        '--size',
        '768Mi',
        '--keep',
        '--log-level',
        'debug',
        '--node=skip',
        '--json',
        'out.json',
        '--protocol',
        'nvmetcp',
      ]),
    ).toEqual({
      backend: 'truenas',
      fs: 'btrfs',
      protocol: 'nvmetcp',
      size: 768 * 1024 ** 2,
      keep: true,
      logLevel: 'debug',
      node: 'skip',
      json: 'out.json',
      help: false,
    });
  });

  it.each([
    [['--backend', 'synology'], /only truenas is available/],
    [['--fs', 'zfs'], /--fs "zfs": expected one of ext4, xfs, btrfs/],
    [['--size', '1G'], /--size "1G": expected a quantity such as 512Mi or 1Gi/],
    [['--size', '0'], /expected a quantity/],
    [['--fs', 'xfs', '--size', '256Mi'], /xfs needs at least 300Mi/],
    [['--node', 'maybe'], /--node "maybe": expected one of auto, require, skip/],
    [['--protocol', 'fc'], /--protocol "fc": expected one of iscsi, nvmetcp/],
    [['--log-level', 'loud'], /--log-level "loud"/],
    [['--json='], /--json needs a file name/],
    [['--colour'], /Unknown option/],
    [['extra'], /positional/],
  ])('rejects %j with a message naming the flag', (argv, message) => {
    expect(() => parseDemoArgs(argv)).toThrow(UsageError);
    expect(() => parseDemoArgs(argv)).toThrow(message);
  });

  it('parses and prints sizes the Kubernetes way', () => {
    expect(parseSize('1Gi')).toBe(1024 ** 3);
    expect(parseSize('4096')).toBe(4096);
    expect(formatQuantity(1536 * 1024 ** 2)).toBe('1536Mi');
    expect(formatQuantity(2 * 1024 ** 3)).toBe('2Gi');
    expect(formatBytes(960 * 1024 ** 2)).toBe('960 MiB');
    expect(formatBytes(1.5 * 1024 ** 3)).toBe('1.50 GiB');
    expect(formatBytes(512)).toBe('512 B');
  });
});

describe('demo output', () => {
  const capture = (color: boolean) => {
    const lines: string[] = [];
    return { lines, story: new Story({ write: (l) => lines.push(l), color }, { nameWidth: 20 }) };
  };

  it('aligns steps and details, and colours only when asked', async () => {
    const plain = capture(false);
    await plain.story.step('short', async (log) => {
      log.detail('a', 'one');
      log.detail('longer key', 'two');
    });
    plain.story.skip('a longer step name', 'not here');
    expect(plain.lines[0]).toMatch(/^ {2}1 {2}short {17}ok +\d+\.\d{2} s$/);
    expect(plain.lines[0]?.indexOf('ok')).toBe(plain.lines[3]?.indexOf('skipped'));
    expect(plain.lines[1]).toBe('       a           one');
    expect(plain.lines[2]).toBe('       longer key  two');
    expect(plain.lines[3]).toBe('  2  a longer step name    skipped');
    expect(plain.lines[4]).toBe('       skipped: not here');
    expect(plain.lines.join('')).not.toContain('\u001b[');
    const table = plain.story.summary(1.5);
    expect(table.at(-1)).toMatch(/^ {5}total +1\.50$/);
    expect(table[3]).toMatch(/^ {2}2 {2}a longer step name {2}skipped {9}-$/);

    const coloured = capture(true);
    await coloured.story.step('short', async () => undefined);
    expect(coloured.lines[0]).toContain('\u001b[32mok');
  });

  it('records a failure with its message and stops there', async () => {
    const { story, lines } = capture(false);
    await expect(
      story.step('boom', async () => {
        throw new Error('the array said no');
      }),
    ).rejects.toMatchObject({ name: 'StepFailure', step: 'boom', message: 'the array said no' });
    story.notRun(['next'], 'not run: "boom" failed');
    expect(story.steps.map((s) => s.status)).toEqual(['failed', 'not run']);
    expect(lines).toContain('       error: the array said no');
  });

  it('stops waiting for a step at Ctrl-C, but the clean-up step still runs', async () => {
    const abort = new AbortController();
    const story = new Story({ write: () => undefined, color: false }, { signal: abort.signal });
    const hanging = story.step('hangs', () => new Promise<void>(() => undefined));
    abort.abort();
    await expect(hanging).rejects.toMatchObject({ message: 'interrupted' });
    await expect(story.step('next', async () => 1)).rejects.toMatchObject({ message: 'interrupted' });
    await expect(story.step('clean up', async () => 2, { always: true })).resolves.toBe(2);
  });
});
