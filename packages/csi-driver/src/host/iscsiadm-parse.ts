// Parsers for open-iscsi's iscsiadm output: `-m session`, `-m session -P 3` and `-m node`.
// Formats follow iscsiadm 2.0.87x–2.1.x (RHEL 7–9, Debian 10–12, Ubuntu 20.04–24.04).
import { stripTpgt } from './portal.js';

export interface IscsiSession {
  readonly transport: string;
  readonly sid: number;
  /** `ip:port` or `[v6]:port` (the current portal, always an address). */
  readonly portal: string;
  readonly tpgt: number;
  readonly target: string;
}

const sessionLine = /^(\S+): \[(\d+)\] (\S+),(\d+) (\S+)(?: \(([^)]*)\))?$/;

export function parseSessions(text: string): IscsiSession[] {
  const sessions: IscsiSession[] = [];
  for (const line of text.split('\n')) {
    const m = sessionLine.exec(line.trim());
    if (m) {
      sessions.push({
        transport: m[1] ?? '',
        sid: Number(m[2]),
        portal: m[3] ?? '',
        tpgt: Number(m[4]),
        target: m[5] ?? '',
      });
    }
  }
  return sessions;
}

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

export interface AttachedLun {
  readonly hctl: string;
  readonly lun: number;
  /** Kernel name of the disk (sdb), absent while the LUN has no block device. */
  readonly disk?: string;
  readonly diskState?: string;
}

export interface SessionDetail {
  readonly target: string;
  readonly currentPortal: string;
  readonly persistentPortal: string;
  readonly sid: number;
  readonly iface: string;
  readonly initiatorName: string;
  readonly connectionState: string;
  readonly sessionState: string;
  readonly hostNumber: number | undefined;
  readonly hostState: string | undefined;
  readonly luns: readonly AttachedLun[];
}

type Draft = {
  -readonly [K in keyof SessionDetail]: K extends 'luns' ? AttachedLun[] : SessionDetail[K];
};

function newDraft(target: string, currentPortal: string): Draft {
  return {
    target,
    currentPortal,
    persistentPortal: currentPortal,
    sid: -1,
    iface: '',
    initiatorName: '',
    connectionState: '',
    sessionState: '',
    hostNumber: undefined,
    hostState: undefined,
    luns: [],
  };
}

type Rule = readonly [RegExp, (draft: Draft, m: RegExpExecArray) => void];

const detailRules: readonly Rule[] = [
  [/^Persistent Portal: (\S+)/, (d, m) => (d.persistentPortal = stripTpgt(m[1] ?? ''))],
  [/^Iface Name: (\S+)/, (d, m) => (d.iface = m[1] ?? '')],
  [/^Iface Initiatorname: (\S+)/, (d, m) => (d.initiatorName = m[1] ?? '')],
  [/^SID: (\d+)/, (d, m) => (d.sid = Number(m[1]))],
  [/^iSCSI Connection State: (.+)$/, (d, m) => (d.connectionState = m[1] ?? '')],
  [/^iSCSI Session State: (\S+)/, (d, m) => (d.sessionState = m[1] ?? '')],
  [
    /^Host Number: (\d+)\s+State: (\S+)/,
    (d, m) => {
      d.hostNumber = Number(m[1]);
      d.hostState = m[2];
    },
  ],
  [
    /^scsi(\d+) Channel (\d+) Id (\d+) Lun: (\d+)/,
    (d, m) => d.luns.push({ hctl: `${m[1]}:${Number(m[2])}:${m[3]}:${m[4]}`, lun: Number(m[4]) }),
  ],
  [
    /^Attached scsi disk (\S+)\s+State: (\S+)/,
    (d, m) => {
      const last = d.luns.pop();
      if (last) {
        d.luns.push({ ...last, disk: m[1], diskState: m[2] });
      }
    },
  ],
];

/** Parses `iscsiadm -m session -P 3` (also accepts -P 1/2 output, which lacks the device list). */
export function parseSessionDetails(text: string): SessionDetail[] {
  const out: Draft[] = [];
  let target = '';
  let draft: Draft | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const targetMatch = /^Target: (\S+)/.exec(line);
    if (targetMatch) {
      target = targetMatch[1] ?? '';
      draft = undefined;
      continue;
    }
    const portalMatch = /^Current Portal: (\S+)/.exec(line);
    if (portalMatch) {
      draft = newDraft(target, stripTpgt(portalMatch[1] ?? ''));
      out.push(draft);
      continue;
    }
    if (!draft) {
      continue;
    }
    for (const [re, apply] of detailRules) {
      const m = re.exec(line);
      if (m) {
        apply(draft, m);
        break;
      }
    }
  }
  return out;
}
