// iscsiadm, multipath and multipathd against a FakeKernel, with real exit codes and real output
// formats (so the production parsers run on them).
import type { FakeKernel, FakeMap, FakeSession } from './kernel.js';

export interface CmdResult {
  code: number;
  stdout?: string;
  stderr?: string;
  timedOut?: boolean;
}

const ok = (stdout = ''): CmdResult => ({ code: 0, stdout });
const fail = (code: number, stderr: string): CmdResult => ({ code, stderr: `${stderr}\n` });

function opt(args: readonly string[], ...names: string[]): string | undefined {
  for (const name of names) {
    const i = args.indexOf(name);
    if (i >= 0) {
      return args[i + 1];
    }
  }
  return undefined;
}

function renderSessions(sessions: readonly FakeSession[]): string {
  return sessions.map((s) => `tcp: [${s.sid}] ${s.portal},1 ${s.iqn} (non-flash)\n`).join('');
}

function renderDetails(k: FakeKernel): string {
  const lines = ['iSCSI Transport Class version 2.0-870', 'version 2.1.8'];
  for (const s of k.sessions) {
    lines.push(`Target: ${s.iqn} (non-flash)`, `\tCurrent Portal: ${s.portal},1`, `\tPersistent Portal: ${s.portal},1`);
    lines.push('\t\t**********', '\t\tInterface:', '\t\t**********', '\t\tIface Name: default');
    lines.push('\t\tIface Initiatorname: iqn.1993-08.org.debian:01:fakenode01', `\t\tSID: ${s.sid}`);
    const conn = s.state === 'LOGGED_IN' ? 'LOGGED IN' : 'TRANSPORT WAIT';
    lines.push(`\t\tiSCSI Connection State: ${conn}`, `\t\tiSCSI Session State: ${s.state}`);
    lines.push('\t\t************************', '\t\tAttached SCSI devices:', '\t\t************************');
    lines.push(`\t\tHost Number: ${s.host}\tState: running`);
    for (const d of k.sessionDisks(s.sid)) {
      lines.push(
        `\t\tscsi${s.host} Channel 00 Id 0 Lun: ${d.lun}`,
        `\t\t\tAttached scsi disk ${d.name}\t\tState: ${d.state}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

function login(k: FakeKernel, iqn: string, portal: string): CmdResult {
  const record = k.records.get(k.recordKey(iqn, portal));
  if (!record) {
    return fail(21, 'iscsiadm: No records found');
  }
  if (k.sessions.some((s) => s.iqn === iqn && s.portal === portal)) {
    return fail(15, 'iscsiadm: default: 1 session requested, but 1 already present.');
  }
  const target = k.targets.get(iqn);
  const where = `[iface: default, target: ${iqn}, portal: ${portal.replace(/:(\d+)$/, ',$1')}]`;
  if (!target?.portals.includes(portal)) {
    return fail(
      8,
      `Logging in to ${where}\niscsiadm: Could not login to ${where}.\niscsiadm: initiator reported error (8 - connection timed out)`,
    );
  }
  const chap = target.chap;
  const authOk =
    !chap ||
    (record.get('node.session.auth.authmethod') === 'CHAP' &&
      record.get('node.session.auth.username') === chap.user &&
      record.get('node.session.auth.password') === chap.password &&
      (!chap.mutualUser ||
        (record.get('node.session.auth.username_in') === chap.mutualUser &&
          record.get('node.session.auth.password_in') === chap.mutualPassword)));
  if (!authOk) {
    return fail(
      24,
      `Logging in to ${where}\niscsiadm: Could not login to ${where}.\niscsiadm: initiator reported error (24 - iSCSI login failed due to authorization failure)\niscsiadm: Could not log into all portals`,
    );
  }
  const session = k.newSession(iqn, portal);
  if (record.get('node.session.scan') !== 'manual') {
    for (const lun of target.luns.keys()) {
      k.scan(session.host, lun);
    }
  }
  return ok(`Logging in to ${where}\nLogin to ${where} successful.\n`);
}

function logout(k: FakeKernel, iqn: string, portal: string): CmdResult {
  const i = k.sessions.findIndex((s) => s.iqn === iqn && s.portal === portal);
  const session = k.sessions[i];
  if (!session) {
    return fail(21, 'iscsiadm: No matching sessions found');
  }
  for (const d of k.sessionDisks(session.sid)) {
    k.removeDisk(d.name);
  }
  k.sessions.splice(i, 1);
  return ok(`Logging out of session [sid: ${session.sid}, target: ${iqn}, portal: ${portal}]\nLogout successful.\n`);
}

function node(k: FakeKernel, args: readonly string[]): CmdResult {
  const iqn = opt(args, '-T');
  const portal = opt(args, '-p');
  if (!iqn || !portal) {
    const lines = [...k.records.keys()].map((key) => {
      const [t, p] = key.split('|');
      return `${p},1 ${t}`;
    });
    return lines.length ? ok(`${lines.join('\n')}\n`) : fail(21, 'iscsiadm: No records found');
  }
  const key = k.recordKey(iqn, portal);
  const op = opt(args, '-o');
  if (op === 'new') {
    if (!k.records.has(key)) {
      k.records.set(
        key,
        new Map([
          ['node.startup', 'automatic'],
          ['node.session.auth.authmethod', 'None'],
        ]),
      );
    }
    return ok(`New iSCSI node [tcp:[hw=,ip=,net_if=,iscsi_if=default] ${portal},-1 ${iqn}] added\n`);
  }
  if (args.includes('--login')) {
    return login(k, iqn, portal);
  }
  if (args.includes('--logout')) {
    return logout(k, iqn, portal);
  }
  const record = k.records.get(key);
  if (!record) {
    return fail(21, 'iscsiadm: No records found');
  }
  if (op === 'update') {
    // Every `-n NAME -v VALUE` pair, as iscsiadm takes them; an unknown name fails the whole call.
    const pairs = args.flatMap((a, i) => (a === '-n' ? [{ name: args[i + 1] ?? '', value: args[i + 3] ?? '' }] : []));
    const unknown = pairs.find((p) => k.unknownNodeSettings.includes(p.name));
    if (unknown) {
      return fail(7, `iscsiadm: Cannot modify ${unknown.name}. Invalid param name.`);
    }
    for (const { name, value } of pairs) {
      record.set(name, value);
    }
    return ok();
  }
  if (op === 'delete') {
    k.records.delete(key);
    return ok();
  }
  return fail(7, `iscsiadm: unsupported fake invocation ${args.join(' ')}`);
}

export function iscsiadm(k: FakeKernel, args: readonly string[], iscsidUp: boolean): CmdResult {
  if (!iscsidUp) {
    return fail(20, 'iscsiadm: can not connect to iSCSI daemon (111)!');
  }
  if (opt(args, '-m') === 'session') {
    const sid = opt(args, '-r');
    if (sid !== undefined) {
      const session = k.sessions.find((s) => s.sid === Number(sid));
      if (!session) {
        return fail(21, `iscsiadm: no session for sid ${sid}`);
      }
      for (const lun of k.targets.get(session.iqn)?.luns.keys() ?? []) {
        k.scan(session.host, lun);
      }
      return ok(`Rescanning session [sid: ${sid}, target: ${session.iqn}, portal: ${session.portal}]\n`);
    }
    if (k.sessions.length === 0) {
      return fail(21, 'iscsiadm: No active sessions.');
    }
    return ok(args.includes('-P') ? renderDetails(k) : renderSessions(k.sessions));
  }
  return node(k, args);
}

function pathState(k: FakeKernel, name: string): string[] {
  const disk = k.disks.get(name);
  return disk?.state === 'running' ? ['active', 'ready', 'running'] : ['failed', 'faulty', 'offline'];
}

function renderLl(k: FakeKernel, map: FakeMap): string {
  const lines = [
    `${map.name} (${map.wwid}) ${map.dm} LIO-ORG,IBLOCK`,
    `size=${map.size} features='0' hwhandler='1 alua' wp=rw`,
  ];
  lines.push("`-+- policy='service-time 0' prio=50 status=active");
  map.slaves.forEach((s, i) => {
    const d = k.disks.get(s);
    const mark = i === map.slaves.length - 1 ? '`-' : '|-';
    lines.push(`  ${mark} ${d?.host}:0:0:${d?.lun} ${s} 8:${d?.minor} ${pathState(k, s).join(' ')}`);
  });
  return `${lines.join('\n')}\n`;
}

export function multipathd(k: FakeKernel, args: readonly string[]): CmdResult {
  if (!k.multipathdRunning) {
    return fail(1, 'ux_socket_connect: Connection refused');
  }
  const [verb, what, a3] = args;
  if (verb === 'show' && what === 'maps') {
    const rows = [...k.maps.values()].map((m) => `${m.name} ${m.wwid} ${m.dm} ${m.slaves.length} active`);
    return ok(`name uuid sysfs paths dm-st\n${rows.join('\n')}\n`);
  }
  if (verb === 'show' && what === 'paths') {
    const rows = [...k.disks.values()].map((d) => {
      const map = k.mapOfDisk(d.name);
      return `${map?.wwid ?? d.wwid} ${d.name} ${d.host}:0:0:${d.lun} ${pathState(k, d.name).join(' ')}`;
    });
    return ok(`uuid dev hcil dm_st chk_st dev_st\n${rows.join('\n')}\n`);
  }
  const map = a3 ? k.mapByName(a3) : undefined;
  if (verb === 'resize' && map) {
    map.size = Math.min(...map.slaves.map((s) => k.disks.get(s)?.size ?? 0));
    return ok('ok\n');
  }
  if (verb === 'disablequeueing' && map) {
    map.queueing = false;
    return ok('ok\n');
  }
  return ok('fail\n');
}

export function multipath(k: FakeKernel, args: readonly string[], holders: (name: string) => string[]): CmdResult {
  const name = args[1] ?? '';
  const map = k.mapByName(name);
  if (args[0] === '-ll') {
    return map ? ok(renderLl(k, map)) : ok('');
  }
  if (args[0] === '-f') {
    if (!map) {
      return fail(1, `${name}: no such map`);
    }
    if (k.deviceMounted(map.dm) || holders(map.dm).length > 0) {
      return fail(1, `Jan 01 00:00:00 | ${name}: map in use`);
    }
    const alive = map.slaves.some((s) => k.disks.get(s)?.state === 'running');
    if (!alive && map.queueing) {
      return { code: -1, timedOut: true, stderr: '' };
    }
    k.maps.delete(map.dm);
    return ok();
  }
  return fail(1, `multipath: unsupported fake invocation ${args.join(' ')}`);
}
