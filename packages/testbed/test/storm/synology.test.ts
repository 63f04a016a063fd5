// Fault storm against csp-synology (see storm.ts): injected DSM faults (errors, busy answers,
// dropped connections, answers lost after DSM ran the call), one crash of the CSP process, creates
// retried by name. Every volume exists exactly once, nothing is left after the deletes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StormArray, synologyStorm } from './arrays.js';
import { runStorm, type StormResult } from './storm.js';

describe('fault storm: csp-synology', () => {
  let array: StormArray;
  let result: StormResult;
  beforeAll(async () => {
    array = await synologyStorm();
    result = await runStorm(array, { volumes: 40, concurrency: 8, publishEvery: 4 });
  }, 300_000);
  afterAll(() => array?.stop());

  it('went through one crash of the CSP process and many failed calls', () => {
    expect(result.cspStarts).toBe(2);
    expect(result.failedCalls).toBeGreaterThanOrEqual(10);
  });

  it('made exactly one volume per name, each complete, and nothing else', () => {
    expect(new Set(result.created.map((pv) => pv.volumeHandle)).size).toBe(40);
    expect(result.namesOnArray.sort()).toEqual(result.created.map((pv) => pv.name).sort());
    for (const pattern of array.perVolume) {
      expect(
        result.auditAfterCreates.filter((line) => pattern.test(line)),
        String(pattern),
      ).toHaveLength(40);
    }
    expect(result.auditAfterCreates).toHaveLength(40 * array.perVolume.length + array.nodeObjects);
  });

  it('left nothing on the array after every volume was deleted', () => {
    expect(result.auditAfterDeletes).toEqual([]);
  });
});
