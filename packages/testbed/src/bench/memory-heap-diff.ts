// What a process's V8 heap holds, per constructor, and how two heap snapshots of it differ: the
// tool behind goal 4's question "does anything of ours grow?" (docs/benchmarks.md). Snapshots come
// from `OPENCSP_BENCH_HEAP_SNAPSHOTS=<dir>` on the memory benchmark (or any `.heapsnapshot`).
//
//   node packages/testbed/dist/bench/memory-heap-diff.js before.heapsnapshot after.heapsnapshot \
//     [--top 40] [--retainers Name,...]
//
// Classes are grouped as Chrome's "Summary" view does, roughly: objects, closures and native
// objects by constructor or function name; strings together; V8's internal objects by their
// system name, with compiled code of any function folded into one class.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/** The parts of a `.heapsnapshot` file this module reads. */
export interface HeapSnapshotJson {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[], ...unknown[]];
      edge_fields: string[];
      edge_types: [string[], ...unknown[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface ClassTotal {
  count: number;
  selfBytes: number;
}

export interface HeapSummary {
  totalBytes: number;
  classes: Map<string, ClassTotal>;
}

const stringTypes = new Set(['string', 'concatenated string', 'sliced string']);
const internalTypes = new Set(['hidden', 'array', 'code', 'object shape']);

/** The class a node is counted under (its type and name from the snapshot). */
export function className(type: string, name: string): string {
  if (stringTypes.has(type)) {
    return '(string)';
  }
  if (internalTypes.has(type)) {
    if (name === '') {
      return `(${type})`;
    }
    if (name.startsWith('(code for ')) {
      return '(compiled code of functions)';
    }
    if (type === 'code' && !name.startsWith('system /') && !name.startsWith('(')) {
      // V8 names a function's SharedFunctionInfo by the function.
      return '(shared function infos)';
    }
    return name;
  }
  if (type === 'object' || type === 'native' || type === 'closure' || type === 'regexp') {
    return type === 'closure' ? `${name || '(anonymous)'}()` : name || `(${type})`;
  }
  return `(${type})`;
}

interface Layout {
  nodeFields: number;
  type: number;
  name: number;
  selfSize: number;
  edgeCount: number;
  nodeTypes: string[];
  edgeFields: number;
  edgeType: number;
  edgeName: number;
  edgeTo: number;
  edgeTypes: string[];
}

function layout(json: HeapSnapshotJson): Layout {
  const { node_fields, node_types, edge_fields, edge_types } = json.snapshot.meta;
  const field = (fields: string[], name: string) => {
    const i = fields.indexOf(name);
    if (i < 0) {
      throw new Error(`heap snapshot: meta lacks the field ${name}`);
    }
    return i;
  };
  return {
    nodeFields: node_fields.length,
    type: field(node_fields, 'type'),
    name: field(node_fields, 'name'),
    selfSize: field(node_fields, 'self_size'),
    edgeCount: field(node_fields, 'edge_count'),
    nodeTypes: node_types[0],
    edgeFields: edge_fields.length,
    edgeType: field(edge_fields, 'type'),
    edgeName: field(edge_fields, 'name_or_index'),
    edgeTo: field(edge_fields, 'to_node'),
    edgeTypes: edge_types[0],
  };
}

function nodeClass(json: HeapSnapshotJson, l: Layout, offset: number): string {
  const type = l.nodeTypes[json.nodes[offset + l.type] as number] ?? '?';
  return className(type, json.strings[json.nodes[offset + l.name] as number] ?? '');
}

/** Count and self size of every class in one snapshot. */
export function summarize(json: HeapSnapshotJson): HeapSummary {
  const l = layout(json);
  const classes = new Map<string, ClassTotal>();
  let totalBytes = 0;
  for (let i = 0; i < json.nodes.length; i += l.nodeFields) {
    const name = nodeClass(json, l, i);
    const size = json.nodes[i + l.selfSize] as number;
    const total = classes.get(name) ?? { count: 0, selfBytes: 0 };
    total.count++;
    total.selfBytes += size;
    classes.set(name, total);
    totalBytes += size;
  }
  return { totalBytes, classes };
}

export interface ClassDelta {
  name: string;
  countDelta: number;
  bytesDelta: number;
  countAfter: number;
  bytesAfter: number;
}

/** Classes whose count or size changed, largest change in bytes first. */
export function diffSummaries(before: HeapSummary, after: HeapSummary): ClassDelta[] {
  const names = new Set([...before.classes.keys(), ...after.classes.keys()]);
  const rows: ClassDelta[] = [];
  for (const name of names) {
    const a = before.classes.get(name) ?? { count: 0, selfBytes: 0 };
    const b = after.classes.get(name) ?? { count: 0, selfBytes: 0 };
    if (a.count !== b.count || a.selfBytes !== b.selfBytes) {
      rows.push({
        name,
        countDelta: b.count - a.count,
        bytesDelta: b.selfBytes - a.selfBytes,
        countAfter: b.count,
        bytesAfter: b.selfBytes,
      });
    }
  }
  return rows.sort((x, y) => Math.abs(y.bytesDelta) - Math.abs(x.bytesDelta) || x.name.localeCompare(y.name));
}

/**
 * What holds the objects of one class: counts of (retainer class, edge name) over every edge that
 * points at such an object, weak edges left out. Most first.
 */
export function retainers(json: HeapSnapshotJson, target: string): Array<{ retainer: string; count: number }> {
  const l = layout(json);
  const counts = new Map<string, number>();
  let edge = 0;
  for (let i = 0; i < json.nodes.length; i += l.nodeFields) {
    const edges = json.nodes[i + l.edgeCount] as number;
    const from = nodeClass(json, l, i);
    for (let e = 0; e < edges; e++, edge += l.edgeFields) {
      const type = l.edgeTypes[json.edges[edge + l.edgeType] as number];
      if (type === 'weak') {
        continue;
      }
      const to = json.edges[edge + l.edgeTo] as number;
      if (nodeClass(json, l, to) !== target) {
        continue;
      }
      const raw = json.edges[edge + l.edgeName] as number;
      const edgeName = type === 'element' || type === 'hidden' ? `[${raw}]` : (json.strings[raw] ?? String(raw));
      const key = `${from} .${type === 'element' || type === 'hidden' ? '[]' : edgeName}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return [...counts]
    .map(([retainer, count]) => ({ retainer, count }))
    .sort((a, b) => b.count - a.count || a.retainer.localeCompare(b.retainer));
}

const kib = (bytes: number) => (bytes / 1024).toFixed(1);

/** The difference as a plain-text table, `top` rows. */
export function formatDiff(before: HeapSummary, after: HeapSummary, rows: ClassDelta[], top: number): string {
  const lines = [
    `total self size: ${kib(before.totalBytes)} → ${kib(after.totalBytes)} KiB (${kib(after.totalBytes - before.totalBytes)} KiB)`,
    ['Δ KiB', 'Δ count', 'count after', 'KiB after', 'class'].join('\t'),
  ];
  for (const r of rows.slice(0, top)) {
    lines.push([kib(r.bytesDelta), r.countDelta, r.countAfter, kib(r.bytesAfter), r.name].join('\t'));
  }
  return lines.join('\n');
}

function load(path: string): HeapSnapshotJson {
  return JSON.parse(readFileSync(path, 'utf8')) as HeapSnapshotJson;
}

function main(argv: string[]): void {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { top: { type: 'string', default: '40' }, retainers: { type: 'string' } },
    allowPositionals: true,
  });
  const [beforePath, afterPath] = positionals;
  const top = Number.parseInt(values.top ?? '40', 10);
  if (!beforePath || !afterPath || !Number.isInteger(top) || top < 1) {
    throw new Error('usage: memory-heap-diff.js before.heapsnapshot after.heapsnapshot [--top N] [--retainers A,B]');
  }
  const after = load(afterPath);
  const before = summarize(load(beforePath));
  const afterSummary = summarize(after);
  console.log(formatDiff(before, afterSummary, diffSummaries(before, afterSummary), top));
  for (const name of (values.retainers ?? '').split(',').filter(Boolean)) {
    console.log(`\nheld by (in ${afterPath}): ${name}`);
    for (const r of retainers(after, name).slice(0, top)) {
      console.log(`${r.count}\t${r.retainer}`);
    }
  }
}

if (process.argv[1]?.endsWith('memory-heap-diff.js')) {
  main(process.argv.slice(2));
}
