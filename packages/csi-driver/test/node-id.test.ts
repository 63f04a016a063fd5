import { describe, expect, it } from 'vitest';
import { formatNodeId, parseNodeId } from '../src/node-id.js';

const iqn = 'iqn.1993-08.org.debian:01:4f2a7b3c9d1e';

describe('node id', () => {
  it('round-trips hostname, initiators and networks', () => {
    const id = formatNodeId({ hostname: 'worker-1', iqns: [iqn, `${iqn}2`], networks: ['10.0.0.5/24', 'fd00::5/64'] });
    expect(id).toBe(`worker-1;${iqn},${iqn}2;10.0.0.5/24,fd00::5/64`);
    expect(parseNodeId(id)).toEqual({
      hostname: 'worker-1',
      iqns: [iqn, `${iqn}2`],
      nqns: [],
      networks: ['10.0.0.5/24', 'fd00::5/64'],
    });
  });
  it('accepts an id without networks', () => {
    expect(parseNodeId(`node;${iqn}`)).toEqual({ hostname: 'node', iqns: [iqn], nqns: [], networks: [] });
  });
  it('carries NVMe host NQNs beside IQNs, and ids of nodes without NVMe stay as they were', () => {
    const nqn = 'nqn.2014-08.org.nvmexpress:uuid:4c4c4544-0035-4b10-8044-b7c04f4d4e32';
    const id = formatNodeId({ hostname: 'worker-1', iqns: [iqn], nqns: [nqn], networks: ['10.0.0.5/24'] });
    expect(id).toBe(`worker-1;${iqn},${nqn};10.0.0.5/24`);
    expect(parseNodeId(id)).toEqual({ hostname: 'worker-1', iqns: [iqn], nqns: [nqn], networks: ['10.0.0.5/24'] });
    expect(parseNodeId(`nvme-only;${nqn}`)).toEqual({ hostname: 'nvme-only', iqns: [], nqns: [nqn], networks: [] });
    expect(formatNodeId({ hostname: 'old', iqns: [iqn], networks: [] })).toBe(`old;${iqn}`);
    expect(formatNodeId({ hostname: 'old', iqns: [iqn], nqns: [], networks: [] })).toBe(`old;${iqn}`);
    const long = formatNodeId({ hostname: 'h'.repeat(63), iqns: [iqn], nqns: [nqn], networks: [] });
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(256);
  });
  it('drops networks rather than exceed 256 bytes, and refuses ids that cannot fit', () => {
    const networks = Array.from({ length: 20 }, (_, i) => `10.0.${i}.1/24`);
    const id = formatNodeId({ hostname: 'n', iqns: [iqn], networks });
    expect(Buffer.byteLength(id)).toBeLessThanOrEqual(256);
    expect(id.startsWith(`n;${iqn};10.0.0.1/24,`)).toBe(true);
    expect(formatNodeId({ hostname: 'n', iqns: [iqn], networks: [`${'x'.repeat(250)}/24`] })).toBe(`n;${iqn}`);
    expect(() => formatNodeId({ hostname: 'n'.repeat(250), iqns: [iqn], networks: [] })).toThrow(/CSI allows 256/);
  });
  it.each([
    ['some-fake-node-id', /expected/],
    [`bad host!;${iqn}`, /hostname/],
    ['node;', /initiator/],
    ['node;not-an-iqn', /initiator name/],
    ['node;nqn.bad', /NVMe qualified name/],
    [`node;${iqn};10.0.0.5`, /prefix length/],
    [`a;${iqn};b;c`, /expected/],
  ])('rejects %s', (id, problem) => {
    const parsed = parseNodeId(id);
    expect('problem' in parsed && parsed.problem).toMatch(problem);
  });
});
