// The heap snapshot summary and diff behind goal 4's "what does the process retain?", on small
// snapshots in V8's format built here (node and edge layout as V8 writes them).
import { describe, expect, it } from 'vitest';
import {
  className,
  diffSummaries,
  formatDiff,
  type HeapSnapshotJson,
  retainers,
  summarize,
} from '../../src/bench/memory-heap-diff.js';

const nodeTypes = [
  'hidden',
  'array',
  'string',
  'object',
  'code',
  'closure',
  'regexp',
  'number',
  'native',
  'synthetic',
  'concatenated string',
  'sliced string',
];
const edgeTypes = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'];

interface Node {
  type: string;
  name: string;
  size: number;
  edges?: Array<{ type: string; name: string | number; to: number }>;
}

/** A snapshot in V8's flat layout: 7 fields per node, 3 per edge, `to` as a node's offset. */
function snapshot(nodes: Node[]): HeapSnapshotJson {
  const strings: string[] = [];
  const str = (s: string) => {
    const i = strings.indexOf(s);
    return i >= 0 ? i : strings.push(s) - 1;
  };
  const flatNodes: number[] = [];
  const flatEdges: number[] = [];
  nodes.forEach((n, id) => {
    flatNodes.push(nodeTypes.indexOf(n.type), str(n.name), id * 2 + 1, n.size, n.edges?.length ?? 0, 0, 0);
    for (const e of n.edges ?? []) {
      const named = e.type === 'element' || e.type === 'hidden';
      flatEdges.push(edgeTypes.indexOf(e.type), named ? (e.name as number) : str(String(e.name)), e.to * 7);
    }
  });
  return {
    snapshot: {
      meta: {
        node_fields: ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'],
        node_types: [nodeTypes, 'string', 'number', 'number', 'number', 'number', 'number'],
        edge_fields: ['type', 'name_or_index', 'to_node'],
        edge_types: [edgeTypes, 'string_or_number', 'node'],
      },
    },
    nodes: flatNodes,
    edges: flatEdges,
    strings,
  };
}

/** A root holding a Map whose table holds `entries` Session objects (each with a string). */
function heapWith(entries: number): HeapSnapshotJson {
  const nodes: Node[] = [
    { type: 'hidden', name: '(GC roots)', size: 0, edges: [{ type: 'property', name: 'cache', to: 1 }] },
    { type: 'object', name: 'Map', size: 32, edges: [{ type: 'internal', name: 'table', to: 2 }] },
    { type: 'array', name: '(object elements)', size: 16 + 8 * entries, edges: [] },
    { type: 'closure', name: 'handler', size: 64 },
    { type: 'code', name: 'handler', size: 40 },
    { type: 'code', name: '(code for handler)', size: 200 },
  ];
  for (let i = 0; i < entries; i++) {
    nodes[2]?.edges?.push({ type: 'element', name: i, to: nodes.length });
    nodes.push({
      type: 'object',
      name: 'Session',
      size: 48,
      edges: [{ type: 'property', name: 'id', to: nodes.length + 1 }],
    });
    nodes.push({ type: i % 2 === 0 ? 'string' : 'sliced string', name: `id-${i}`, size: 24 });
  }
  nodes.push({ type: 'object', name: 'Map', size: 32, edges: [{ type: 'weak', name: 'x', to: 6 }] });
  return snapshot(nodes);
}

describe('heap snapshot summary and diff', () => {
  it('groups nodes into classes as the Summary view does', () => {
    expect(className('object', 'Session')).toBe('Session');
    expect(className('closure', 'handler')).toBe('handler()');
    expect(className('closure', '')).toBe('(anonymous)()');
    expect(className('sliced string', 'abc')).toBe('(string)');
    expect(className('code', '(code for handler)')).toBe('(compiled code of functions)');
    expect(className('code', 'handler')).toBe('(shared function infos)');
    expect(className('code', 'system / BytecodeArray')).toBe('system / BytecodeArray');
    expect(className('array', '')).toBe('(array)');
    expect(className('number', 'heap number')).toBe('(number)');
  });

  it('counts and sizes every class of one snapshot', () => {
    const s = summarize(heapWith(3));
    expect(s.classes.get('Session')).toEqual({ count: 3, selfBytes: 144 });
    expect(s.classes.get('(string)')).toEqual({ count: 3, selfBytes: 72 });
    expect(s.classes.get('Map')).toEqual({ count: 2, selfBytes: 64 });
    expect(s.totalBytes).toBe(0 + 32 + 40 + 64 + 40 + 200 + 3 * 72 + 32);
  });

  it('reports the classes that grew, largest first, and nothing for equal snapshots', () => {
    const before = summarize(heapWith(2));
    const after = summarize(heapWith(12));
    expect(diffSummaries(before, before)).toEqual([]);
    const rows = diffSummaries(before, after);
    expect(rows.map((r) => r.name)).toEqual(['Session', '(string)', '(object elements)']);
    expect(rows[0]).toEqual({ name: 'Session', countDelta: 10, bytesDelta: 480, countAfter: 12, bytesAfter: 576 });
    const text = formatDiff(before, after, rows, 2);
    expect(text.split('\n')).toHaveLength(4);
    expect(text).toContain('0.5\t10\t12\t0.6\tSession');
  });

  it('names what holds a class, leaving weak edges out', () => {
    const heap = heapWith(4);
    expect(retainers(heap, 'Session')).toEqual([{ retainer: '(object elements) .[]', count: 4 }]);
    expect(retainers(heap, '(string)')).toEqual([{ retainer: 'Session .id', count: 4 }]);
    expect(retainers(heap, '(object elements)')).toEqual([{ retainer: 'Map .table', count: 1 }]);
  });

  it('refuses a snapshot whose layout lacks a field it reads', () => {
    const heap = heapWith(1);
    heap.snapshot.meta.node_fields = ['type', 'name', 'id'];
    expect(() => summarize(heap)).toThrow(/self_size/);
  });
});
