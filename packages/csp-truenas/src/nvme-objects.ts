// A volume's NVMe/TCP exposure: one subsystem per volume (named like its iSCSI target would be,
// `allow_any_host: false`, so nobody can connect until a host is linked at publish), namespace 1 on
// the zvol, and the subsystem offered on every configured port. Created together, undone together
// (one forced subsystem delete removes the namespace and every link), and ids are checked against
// the expected name first because the array reuses them. The subsystem must go before the zvol:
// deleting the zvol alone removes only the namespace and leaks the subsystem (see
// docs/research/truenas-nvmet.md).
import { CspProblem } from '@opencsp/csp-spec/server';
import { call, read, type SessionContext } from './context.js';
import { querySql } from './sql-query.js';
import { RpcFailure } from './truenas/errors.js';

export interface NvmeObjects {
  subsysId: number;
  namespaceId: number;
  subnqn: string;
  nsid: number;
  nguid: string;
  uuid: string;
}

interface SubsysRow {
  id: number;
  name: string;
  subnqn: string;
}

interface NamespaceRow {
  id: number;
  nsid: number;
  device_path: string;
  device_uuid: string;
  device_nguid: string;
  subsys: { id: number } | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The NVMe ports of the session, or the reason the array does not serve NVMe/TCP. */
export function nvmePorts(ctx: SessionContext): Array<{ id: number; address: string }> {
  const { nvme } = ctx.facts;
  if (!nvme.available) {
    throw new CspProblem('INVALID_INPUT', `access_protocol: nvmetcp is not available: ${nvme.reason}`, {
      field: 'body.access_protocol',
    });
  }
  return nvme.ports;
}

/** The fresh-zvol race: /dev/zvol/<name> appears a moment after pool.dataset.create returns. */
function deviceNotReady(err: unknown): boolean {
  return (
    err instanceof RpcFailure &&
    err.problems.some(([attr, msg]) => attr === 'nvmet_namespace_create.device_path' && msg.includes('block device'))
  );
}

async function createSubsys(ctx: SessionContext, name: string): Promise<SubsysRow> {
  try {
    return await call<SubsysRow>(ctx, 'nvmet.subsys.create', [{ name, allow_any_host: false }]);
  } catch (err) {
    if (err instanceof RpcFailure && err.hasProblemAt('nvmet_subsys_create.name')) {
      throw new CspProblem('NAME_TAKEN', `an NVMe subsystem named ${name} exists and is not this volume's`, {
        cause: err,
      });
    }
    throw err;
  }
}

async function createNamespace(ctx: SessionContext, subsysId: number, path: string): Promise<NamespaceRow> {
  const payload = { subsys_id: subsysId, device_type: 'ZVOL', device_path: `zvol/${path}`, nsid: 1 };
  for (let attempt = 1; ; attempt++) {
    try {
      return await call<NamespaceRow>(ctx, 'nvmet.namespace.create', [payload]);
    } catch (err) {
      if (deviceNotReady(err) && attempt < 10) {
        await sleep(100 * attempt);
        continue;
      }
      throw err;
    }
  }
}

async function linkPorts(ctx: SessionContext, subsysId: number, have: readonly number[]): Promise<void> {
  for (const port of nvmePorts(ctx)) {
    if (!have.includes(port.id)) {
      await call(ctx, 'nvmet.port_subsys.create', [{ port_id: port.id, subsys_id: subsysId }]);
    }
  }
}

function objects(subsys: SubsysRow, ns: NamespaceRow): NvmeObjects {
  return {
    subsysId: subsys.id,
    namespaceId: ns.id,
    subnqn: subsys.subnqn,
    nsid: ns.nsid,
    nguid: ns.device_nguid,
    uuid: ns.device_uuid,
  };
}

/** Creates subsystem, namespace and port links for a zvol; on failure removes what it made. */
export async function createNvmeObjects(ctx: SessionContext, path: string): Promise<NvmeObjects> {
  nvmePorts(ctx);
  const subsys = await createSubsys(ctx, ctx.names.iscsiName(path));
  try {
    const ns = await createNamespace(ctx, subsys.id, path);
    await linkPorts(ctx, subsys.id, []);
    return objects(subsys, ns);
  } catch (err) {
    await removeNvmeObjects(ctx, path, subsys.id, true).catch((cleanup: unknown) =>
      ctx.logger.error({ err: cleanup, path }, 'could not undo a half-created NVMe exposure'),
    );
    throw err;
  }
}

/** Finds the subsystem and namespace of this zvol (after an interrupted create) and completes them. */
export async function ensureNvmeObjects(ctx: SessionContext, path: string): Promise<NvmeObjects> {
  const name = ctx.names.iscsiName(path);
  const [[subsys], [ns]] = await Promise.all([
    querySql<SubsysRow[]>(ctx, 'nvmet.subsys.query', [['name', '=', name]]),
    querySql<NamespaceRow[]>(ctx, 'nvmet.namespace.query', [['device_path', '=', `zvol/${path}`]]),
  ]);
  if (!subsys) {
    if (ns) {
      throw new CspProblem('NAME_TAKEN', `zvol ${path} is exported by another NVMe subsystem`);
    }
    return createNvmeObjects(ctx, path);
  }
  if (ns && ns.subsys?.id !== subsys.id) {
    throw new CspProblem('NAME_TAKEN', `zvol ${path} is exported by another NVMe subsystem than ${name}`);
  }
  const made = ns ?? (await createNamespace(ctx, subsys.id, path));
  const links = await read<Array<{ port: { id: number } | null }>>(ctx, 'nvmet.port_subsys.query', [
    [['subsys.id', '=', subsys.id]],
  ]);
  await linkPorts(
    ctx,
    subsys.id,
    links.flatMap((l) => (l.port ? [l.port.id] : [])),
  );
  return objects(subsys, made);
}

/**
 * Deletes the volume's subsystem with its namespace and every host and port link, after checking
 * the id still names this volume's subsystem. Without `force`, a connected host makes this a
 * retryable 503 (the host must disconnect first); with it the array drops the connection.
 */
export async function removeNvmeObjects(
  ctx: SessionContext,
  path: string,
  subsysId: number | undefined,
  force: boolean,
): Promise<void> {
  if (subsysId === undefined) {
    return;
  }
  const name = ctx.names.iscsiName(path);
  const [subsys] = await querySql<SubsysRow[]>(ctx, 'nvmet.subsys.query', [['id', '=', subsysId]]);
  if (subsys?.name !== name) {
    return;
  }
  if (!force) {
    const sessions = await read<unknown[]>(ctx, 'nvmet.global.sessions', [[['subsys_id', '=', subsys.id]]]);
    if (sessions.length > 0) {
      throw new CspProblem(
        'UNAVAILABLE',
        `a host is still connected to NVMe subsystem ${name}; retry after it disconnects`,
      );
    }
  }
  await call(ctx, 'nvmet.subsys.delete', [subsys.id, { force: true }]);
}
