import { describe, expect, it } from 'vitest';
import { Iscsiadm } from '../../src/host/iscsiadm.js';
import { type NodeAssemblyOptions, nodeDbOptions } from '../../src/node/assemble.js';
import { parseDriverOptions } from '../../src/options.js';
import { ScriptedRunner } from '../host/scripted-runner.js';

const clock = { now: () => 0, sleep: async () => {} };

function problems(argv: string[], env: Record<string, string> = {}): string[] {
  try {
    parseDriverOptions(argv, env);
  } catch (err) {
    return (err as { problems: string[] }).problems;
  }
  return [];
}

describe('iSCSI node-database queue options', () => {
  it("default to iscsiadm's own settings: 4 writers, 2 minutes each", () => {
    const { values } = parseDriverOptions([], {});
    expect(values).toMatchObject({ iscsiNodeDbConcurrency: 4, iscsiNodeDbTimeout: 120_000 });
  });

  it('come from flags or the environment, durations in any unit', () => {
    const flags = parseDriverOptions(['--iscsi-node-db-concurrency', '2', '--iscsi-node-db-timeout=5m'], {});
    expect(flags.values).toMatchObject({ iscsiNodeDbConcurrency: 2, iscsiNodeDbTimeout: 300_000 });
    const env = parseDriverOptions([], {
      OPENCSP_ISCSI_NODE_DB_CONCURRENCY: '8',
      OPENCSP_ISCSI_NODE_DB_TIMEOUT: '90000',
    });
    expect(env.values).toMatchObject({ iscsiNodeDbConcurrency: 8, iscsiNodeDbTimeout: 90_000 });
  });

  it('refuse what is not a positive integer, naming the flag or variable', () => {
    expect(problems(['--iscsi-node-db-concurrency=0'])).toEqual([
      '--iscsi-node-db-concurrency "0" must be an integer from 1 to 64',
    ]);
    expect(problems(['--iscsi-node-db-concurrency=2.5'])).toEqual([
      '--iscsi-node-db-concurrency "2.5" must be an integer from 1 to 64',
    ]);
    expect(problems(['--iscsi-node-db-timeout=0'])).toEqual([
      '--iscsi-node-db-timeout "0" must be at least 1000 ms (a duration such as 30s or 2m)',
    ]);
    expect(problems([], { OPENCSP_ISCSI_NODE_DB_TIMEOUT: '-5s' })).toEqual([
      'OPENCSP_ISCSI_NODE_DB_TIMEOUT "-5s" must be a duration such as 500ms, 30s, 5m or 1h',
    ]);
  });

  it('reach the iscsiadm wrapper of the node', () => {
    const { values } = parseDriverOptions(['--iscsi-node-db-concurrency=1', '--iscsi-node-db-timeout=3m'], {});
    const settings = nodeDbOptions(values as NodeAssemblyOptions);
    expect(settings).toEqual({ nodeDbConcurrency: 1, nodeDbTimeoutMs: 180_000 });
    expect(new Iscsiadm(new ScriptedRunner(), clock, settings).nodeDb.limit).toBe(1);
    expect(nodeDbOptions({} as NodeAssemblyOptions)).toEqual({});
  });
});
