// An in-memory stand-in for LIO's configfs tree, with the rules the bridge depends on: mkdir
// of a known group creates its attribute files and default groups, rmdir refuses a directory
// that still holds user-made directories or links or that a link points at, LUN links need an
// enabled backstore, a backstore's identity cannot change while a LUN links it, and CHAP fields
// read back what was written ("NULL" clears them). A path the kernel would not accept throws.
import type { ConfigFs, EntryKind } from '../../src/lio/configfs.js';
import type { LoopDevices } from '../../src/lio/loops.js';

type Node =
  | { kind: 'dir'; children: Map<string, Node>; made: boolean }
  | { kind: 'file'; value: string }
  | { kind: 'link'; target: string };

const dir = (
  made: boolean,
  files: Record<string, string> = {},
  groups: Record<string, Record<string, string>> = {},
): Node => {
  const children = new Map<string, Node>();
  for (const [name, value] of Object.entries(files)) {
    children.set(name, { kind: 'file', value });
  }
  for (const [name, inner] of Object.entries(groups)) {
    children.set(name, dir(false, inner));
  }
  return { kind: 'dir', children, made };
};

const chapFiles = { userid: '', password: '', userid_mutual: '', password_mutual: '', authenticate_target: '0' };

/** The default contents of a directory made at `path`, or undefined when LIO has no such group. */
function template(path: string): Node | undefined {
  const p = path.split('/');
  if (/^core\/iblock_\d+$/.test(path)) {
    return dir(true, { hba_info: 'HBA Index: 1 plugin: iblock', hba_mode: '0' });
  }
  if (p[0] === 'core' && p.length === 3) {
    return dir(
      true,
      { control: '', udev_path: '', enable: '0', info: '' },
      {
        wwn: { vpd_unit_serial: 'T10 VPD Unit Serial Number: \n', company_id: '0x001405' },
        attrib: {},
        alua: {},
        pr: {},
      },
    );
  }
  if (p[0] === 'iscsi' && p.length === 2) {
    return dir(true, {}, { fabric_statistics: {} });
  }
  if (p[0] === 'iscsi' && p.length === 3 && p[2] === 'tpgt_1') {
    return dir(
      true,
      { enable: '0', dynamic_sessions: '' },
      {
        np: {},
        lun: {},
        acls: {},
        param: {},
        auth: chapFiles,
        attrib: { authentication: '0', generate_node_acls: '0', demo_mode_write_protect: '1', cache_dynamic_acls: '0' },
      },
    );
  }
  if (p[0] === 'iscsi' && p.length === 5 && p[3] === 'np' && /^[\d.]+:\d+$/.test(p[4] as string)) {
    return dir(true, { iser: '0' });
  }
  if (p[0] === 'iscsi' && p.length === 5 && p[3] === 'lun' && /^lun_\d+$/.test(p[4] as string)) {
    return dir(true, { alua_tg_pt_gp: 'default_tg_pt_gp' });
  }
  if (p[0] === 'iscsi' && p.length === 5 && p[3] === 'acls') {
    return dir(
      true,
      { info: `No active iSCSI Session for Initiator Endpoint: ${p[4]}\n` },
      { auth: chapFiles, attrib: {}, param: {} },
    );
  }
  if (p[0] === 'iscsi' && p.length === 6 && p[3] === 'acls' && /^lun_\d+$/.test(p[5] as string)) {
    return dir(true, { write_protect: '0' });
  }
  return undefined;
}

export class FakeConfigFs implements ConfigFs {
  readonly root: Node = dir(false, {}, { core: {}, iscsi: {} });
  /** Every mutating call, for tests that check what was touched. */
  readonly calls: string[] = [];

  constructor() {
    const iscsi = this.#node('iscsi') as Extract<Node, { kind: 'dir' }>;
    iscsi.children.set('discovery_auth', dir(false, { enforce_discovery_auth: '0' }));
  }

  #node(path: string): Node | undefined {
    let node: Node | undefined = this.root;
    for (const part of path.split('/').filter(Boolean)) {
      node = node?.kind === 'dir' ? node.children.get(part) : undefined;
    }
    return node;
  }

  #parent(path: string): { parent: Extract<Node, { kind: 'dir' }>; name: string } {
    const at = path.lastIndexOf('/');
    const parent = this.#node(at < 0 ? '' : path.slice(0, at));
    if (parent?.kind !== 'dir') {
      throw new Error(`ENOENT: ${path}`);
    }
    return { parent, name: path.slice(at + 1) };
  }

  /** Paths of every link in the tree, with their targets. */
  links(node: Node = this.root, prefix = ''): Array<{ path: string; target: string }> {
    if (node.kind === 'link') {
      return [{ path: prefix, target: node.target }];
    }
    if (node.kind === 'file') {
      return [];
    }
    return [...node.children].flatMap(([name, child]) => this.links(child, prefix ? `${prefix}/${name}` : name));
  }

  #exportedBackstore(path: string): boolean {
    const so = /^(core\/[^/]+\/[^/]+)\/wwn\//.exec(path)?.[1];
    return so !== undefined && this.links().some((l) => l.target === so);
  }

  async entries(path: string): Promise<Array<{ name: string; kind: EntryKind }>> {
    const node = this.#node(path);
    return node?.kind === 'dir' ? [...node.children].map(([name, child]) => ({ name, kind: child.kind })) : [];
  }

  async exists(path: string): Promise<boolean> {
    return this.#node(path) !== undefined;
  }

  async read(path: string): Promise<string> {
    const node = this.#node(path);
    if (node?.kind !== 'file') {
      throw new Error(`ENOENT: ${path}`);
    }
    return node.value;
  }

  async write(path: string, value: string): Promise<void> {
    this.calls.push(`write ${path}`);
    const node = this.#node(path);
    if (node?.kind !== 'file') {
      throw new Error(`ENOENT: no attribute ${path}`);
    }
    if (this.#exportedBackstore(path)) {
      throw new Error(`EINVAL: ${path} cannot change while a LUN exports the backstore`);
    }
    node.value = path.endsWith('/wwn/vpd_unit_serial') ? `T10 VPD Unit Serial Number: ${value}\n` : value;
  }

  async mkdir(path: string): Promise<void> {
    this.calls.push(`mkdir ${path}`);
    const { parent, name } = this.#parent(path);
    if (parent.children.has(name)) {
      throw new Error(`EEXIST: ${path}`);
    }
    const made = template(path);
    if (!made) {
      throw new Error(`EPERM: LIO has no group at ${path}`);
    }
    parent.children.set(name, made);
  }

  async rmdir(path: string): Promise<void> {
    this.calls.push(`rmdir ${path}`);
    const { parent, name } = this.#parent(path);
    const node = parent.children.get(name);
    if (node?.kind !== 'dir' || !node.made) {
      throw new Error(`EPERM: cannot remove ${path}`);
    }
    const busy = [...node.children.values()].some((c) => c.kind === 'link' || (c.kind === 'dir' && c.made));
    if (busy) {
      throw new Error(`ENOTEMPTY: ${path}`);
    }
    if (this.links().some((l) => l.target === path || l.target.startsWith(`${path}/`))) {
      throw new Error(`EBUSY: ${path} is linked`);
    }
    parent.children.delete(name);
  }

  async link(target: string, path: string): Promise<void> {
    this.calls.push(`link ${path} -> ${target}`);
    const to = this.#node(target);
    if (to?.kind !== 'dir') {
      throw new Error(`ENOENT: link target ${target}`);
    }
    if (target.startsWith('core/') && (to.children.get('enable') as { value?: string })?.value !== '1') {
      throw new Error(`ENODEV: backstore ${target} is not enabled`);
    }
    const { parent, name } = this.#parent(path);
    if (parent.children.has(name)) {
      throw new Error(`EEXIST: ${path}`);
    }
    parent.children.set(name, { kind: 'link', target });
  }

  async readlink(path: string): Promise<string> {
    const node = this.#node(path);
    if (node?.kind !== 'link') {
      throw new Error(`EINVAL: ${path} is not a link`);
    }
    return node.target;
  }

  async unlink(path: string): Promise<void> {
    this.calls.push(`unlink ${path}`);
    const { parent, name } = this.#parent(path);
    if (parent.children.get(name)?.kind !== 'link') {
      throw new Error(`EPERM: ${path} is not a link`);
    }
    parent.children.delete(name);
  }

  /** The kernel's view of an initiator logging in under an ACL (its `info` file). */
  login(iqn: string, initiator: string, address = '127.0.0.1'): void {
    const info = this.#node(`iscsi/${iqn}/tpgt_1/acls/${initiator}/info`);
    if (info?.kind !== 'file') {
      throw new Error(`no ACL for ${initiator} on ${iqn}`);
    }
    info.value = `InitiatorName: ${initiator}\nInitiatorAlias: node\nLIO Session ID: 1   ISID: 0x00023d000001  TSIH: 1  SessionType: Normal\nSession State: TARG_SESS_STATE_LOGGED_IN\n----\nCID: 0  Connection State: TARG_CONN_STATE_LOGGED_IN\n   Address ${address} TCP  StatSN: 0x1\n`;
  }

  /** Every directory path made by the bridge that still exists (the leftovers check). */
  madePaths(node: Node = this.root, prefix = ''): string[] {
    if (node.kind !== 'dir') {
      return node.kind === 'link' ? [prefix] : [];
    }
    const own = node.made ? [prefix] : [];
    return [...own, ...[...node.children].flatMap(([n, c]) => this.madePaths(c, prefix ? `${prefix}/${n}` : n))];
  }
}

/** Loop devices as a map: attach hands out /dev/loopN, sizes follow `files`. */
export class FakeLoops implements LoopDevices {
  readonly files = new Map<string, number>();
  readonly devices = new Map<string, { file: string; bytes: number }>();
  #next = 0;

  /** `sizeOf` reads a file's size (default: the `files` map). */
  constructor(private readonly sizeOf?: (file: string) => Promise<number>) {}

  #size(file: string): Promise<number> {
    return this.sizeOf ? this.sizeOf(file) : Promise.resolve(this.files.get(file) ?? 0);
  }

  async attach(file: string): Promise<string> {
    const device = `/dev/loop${this.#next++}`;
    this.devices.set(device, { file, bytes: await this.#size(file) });
    return device;
  }

  async detach(device: string): Promise<void> {
    if (!this.devices.delete(device)) {
      throw new Error(`losetup: ${device}: no such device`);
    }
  }

  async refresh(device: string): Promise<void> {
    const loop = this.devices.get(device);
    if (loop) {
      loop.bytes = await this.#size(loop.file);
    }
  }

  async deviceBytes(device: string): Promise<number> {
    return this.devices.get(device)?.bytes ?? 0;
  }

  async backingFile(device: string): Promise<string> {
    return this.devices.get(device)?.file ?? '';
  }

  fileBytes(file: string): Promise<number> {
    return this.#size(file);
  }
}
