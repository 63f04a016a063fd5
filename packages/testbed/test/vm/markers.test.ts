import { describe, expect, it } from 'vitest';
import { guestPassed, MarkerParser, parseConsoleLog, parseMarkerLine } from '../../src/vm/markers.js';
import { formatTimingTable, stepRows } from '../../src/vm/table.js';

const LOG = [
  '[    6.1] Run /init as init process',
  'E2E-STEP boot 10.52 ok',
  'E2E-STEP system 3.38 ok\r',
  'E2E-STEP stage/login 3.00 ok',
  'E2E-STEP stage/mkfs 0.96 ok',
  'E2E-STEP stage 8.07 ok',
  '[   40.2] device-mapper: multipath: 254:0: Failing path 8:0.',
  'E2E-STEP path_failure 18.69 ok',
  'E2E-RESULT PASS all steps passed in 123.80 s of guest uptime',
].join('\n');

describe('console markers', () => {
  it('parses steps, attaches parts to the step that follows them, and reads the verdict', () => {
    const { steps, result, errors } = parseConsoleLog(LOG);
    expect(steps.map((s) => [s.name, s.seconds, s.status])).toEqual([
      ['boot', 10.52, 'ok'],
      ['system', 3.38, 'ok'],
      ['stage', 8.07, 'ok'],
      ['path_failure', 18.69, 'ok'],
    ]);
    expect(steps[2]?.parts.map((p) => p.name)).toEqual(['stage/login', 'stage/mkfs']);
    expect(result).toEqual({ pass: true, reason: 'all steps passed in 123.80 s of guest uptime' });
    expect(errors).toEqual([]);
    expect(guestPassed(steps, result)).toBe(true);
  });

  it('finds a marker after kernel text on the same line and defaults the status to ok', () => {
    expect(parseMarkerLine('[   12.0] sd 2:0:0:0: [sda] E2E-STEP mount 0.83')).toEqual({
      kind: 'step',
      step: { name: 'mount', seconds: 0.83, status: 'ok', parts: [] },
    });
    expect(parseMarkerLine('plain kernel line')).toBeUndefined();
  });

  it('reports a failure: FAIL steps, skipped steps, the error text and a FAIL verdict', () => {
    const { steps, result, errors } = parseConsoleLog(
      [
        'E2E-STEP stage 1.13 FAIL',
        'E2E-ERROR stage: "iscsiadm -m node" exited 6 (line 10)',
        'E2E-STEP mount 0.00 skipped',
        'E2E-RESULT FAIL stage: "iscsiadm -m node" exited 6 (line 10)',
      ].join('\n'),
    );
    expect(steps.map((s) => s.status)).toEqual(['FAIL', 'skipped']);
    expect(errors).toEqual(['stage: "iscsiadm -m node" exited 6 (line 10)']);
    expect(result?.pass).toBe(false);
    expect(guestPassed(steps, result)).toBe(false);
  });

  it('does not pass a PASS verdict with a failed step, or a run with no steps', () => {
    const failed = parseConsoleLog('E2E-STEP stage 1.00 FAIL\nE2E-RESULT PASS');
    expect(guestPassed(failed.steps, failed.result)).toBe(false);
    expect(guestPassed([], { pass: true, reason: '' })).toBe(false);
  });

  it('parses a log that arrives in arbitrary chunks, keeping the first verdict', () => {
    const parser = new MarkerParser();
    const events = [];
    const text = `${LOG}\nE2E-RESULT FAIL later`;
    for (let i = 0; i < text.length; i += 7) {
      events.push(...parser.push(text.slice(i, i + 7)));
    }
    events.push(...parser.end());
    expect(events.filter((e) => e.kind === 'step')).toHaveLength(4);
    expect(parser.result?.pass).toBe(true);
    expect(parser.steps[2]?.parts).toHaveLength(2);
  });

  it('prints a timing table with parts indented under their step', () => {
    const { steps } = parseConsoleLog(LOG);
    const table = formatTimingTable([
      { label: 'image', seconds: 0.01, status: 'cached', depth: 0 },
      ...stepRows('', steps),
    ]);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^step\s+seconds {2}status$/);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}stage\s+8\.07 {2}ok$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {4}stage\/login\s+3\.00 {2}ok$/));
    expect(lines).toContainEqual(expect.stringMatching(/^image\s+0\.01 {2}cached$/));
  });
});
