// The fault storm's assertions, shared by both CSPs' test files: one crash and many failed calls,
// exactly one complete volume per name and nothing else, nothing left after the deletes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StormArray } from './arrays.js';
import { runStorm, type StormResult } from './storm.js';

export function describeStorm(csp: string, start: () => Promise<StormArray>): void {
  describe(`fault storm: ${csp}`, () => {
    let array: StormArray;
    let result: StormResult;
    beforeAll(async () => {
      array = await start();
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
      const lines = result.auditAfterCreates;
      for (const pattern of array.perVolume) {
        expect(
          lines.filter((line) => pattern.test(line)),
          String(pattern),
        ).toHaveLength(40);
      }
      const { pattern, count } = array.nodeObjects;
      expect(lines.filter((line) => pattern.test(line))).toHaveLength(count);
      expect(lines.filter((line) => !pattern.test(line) && !array.perVolume.some((p) => p.test(line)))).toEqual([]);
    });

    it('left nothing on the array after every volume was deleted', () => {
      expect(result.auditAfterDeletes).toEqual([]);
    });
  });
}
