// Parser for open-iscsi's iscsiadm output: `-m node` (sessions are read from sysfs: iscsi-sessions.ts).
// Formats follow iscsiadm 2.0.87x–2.1.x (RHEL 7–9, Debian 10–12, Ubuntu 20.04–24.04).

export interface IscsiNodeRecord {
  readonly portal: string;
  readonly tpgt: number;
  readonly target: string;
}

export function parseNodes(text: string): IscsiNodeRecord[] {
  const nodes: IscsiNodeRecord[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\S+),(-?\d+) (\S+)$/.exec(line.trim());
    if (m) {
      nodes.push({ portal: m[1] ?? '', tpgt: Number(m[2]), target: m[3] ?? '' });
    }
  }
  return nodes;
}
