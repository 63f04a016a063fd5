// SYNO.Core.ISCSI.Target: create, get, list, set, delete. Targets carry CHAP settings, a session
// limit (`max_sessions`, 1 by default, 0 = unlimited) and LUN mappings. Who may see which LUN is
// decided by DSM 7 host objects (host.ts), not by the target. Unknown parameters are ignored, as
// DSM ignores them. `target_id` must arrive as a JSON string: a bare number is refused (18990710).
import { codes, DsmError } from './codes.js';
import type { ApiHandlers, HandlerContext } from './context.js';
import { checkIqn, checkName } from './names.js';
import type { Params } from './params.js';
import type { Target } from './state.js';
import { targetView } from './views.js';

function targetParam(ctx: HandlerContext): Target {
  const id = ctx.params.string('target_id', { required: true, wrongType: codes.malformedId });
  return ctx.state.target(id);
}

const chapSecret = /^.{12,16}$/;

interface Auth {
  authType: 0 | 1 | 2;
  user: string;
  password: string;
  mutualUser: string;
  mutualPassword: string;
}

/** CHAP settings from the parameters, on top of `current`; DSM refuses incomplete ones (18990708). */
function readAuth(params: Params, current: Auth): Auth {
  const type = params.int('auth_type') ?? current.authType;
  if (type !== 0 && type !== 1 && type !== 2) {
    throw new DsmError(codes.badTargetAuth, 'auth_type is 0, 1 or 2');
  }
  const auth: Auth = {
    authType: type,
    user: params.string('user') ?? current.user,
    password: params.string('password') ?? current.password,
    mutualUser: params.string('mutual_user') ?? current.mutualUser,
    mutualPassword: params.string('mutual_password') ?? current.mutualPassword,
  };
  if (type >= 1 && (auth.user === '' || !chapSecret.test(auth.password))) {
    throw new DsmError(codes.badTargetAuth, 'CHAP needs a user and a 12 to 16 character secret');
  }
  if (type === 2 && (auth.mutualUser === '' || !chapSecret.test(auth.mutualPassword))) {
    throw new DsmError(codes.badTargetAuth, 'mutual CHAP needs a user and a 12 to 16 character secret');
  }
  return type === 0 ? { authType: 0, user: '', password: '', mutualUser: '', mutualPassword: '' } : auth;
}

function ensureUnique(ctx: HandlerContext, name: string, iqn: string, self: Target | undefined): void {
  for (const other of ctx.state.targets.values()) {
    if (other !== self && (other.name === name || other.iqn === iqn)) {
      throw new DsmError(codes.duplicateTargetName, name);
    }
  }
}

async function create(ctx: HandlerContext) {
  const { params, state } = ctx;
  const name = params.string('name', { required: true });
  const iqn = params.string('iqn', { required: true });
  checkName(name);
  checkIqn(iqn);
  const auth = readAuth(params, { authType: 0, user: '', password: '', mutualUser: '', mutualPassword: '' });
  ensureUnique(ctx, name, iqn, undefined);
  if (state.targets.size >= state.model.maxTargets) {
    throw new DsmError(codes.targetLimit);
  }
  const target: Target = {
    targetId: state.nextTargetId(),
    name,
    iqn,
    ...auth,
    maxSessions: params.int('max_sessions') ?? 1,
    headerChecksum: params.bool('has_header_checksum') ?? false,
    dataChecksum: params.bool('has_data_checksum') ?? false,
    maxRecvSegBytes: params.int('max_recv_seg_bytes') ?? 262_144,
    maxSendSegBytes: params.int('max_send_seg_bytes') ?? 262_144,
    enabled: true,
    mapped: new Map(),
    sessions: [],
  };
  state.targets.set(target.targetId, target);
  return { target_id: target.targetId };
}

async function get(ctx: HandlerContext) {
  return { target: targetView(targetParam(ctx), ctx.params.additional()) };
}

async function list(ctx: HandlerContext) {
  const lunUuid = ctx.params.string('lun_uuid');
  const additional = ctx.params.additional();
  const targets = [...ctx.state.targets.values()]
    .filter((t) => lunUuid === undefined || t.mapped.has(lunUuid))
    .map((t) => targetView(t, additional));
  return { targets, total: targets.length };
}

async function set(ctx: HandlerContext) {
  const { params } = ctx;
  const target = targetParam(ctx);
  const name = params.string('name') ?? target.name;
  const iqn = params.string('iqn') ?? target.iqn;
  checkName(name);
  checkIqn(iqn);
  ensureUnique(ctx, name, iqn, target);
  const auth = readAuth(params, target);
  const maxSessions = params.int('max_sessions');
  if (maxSessions !== undefined && maxSessions < 0) {
    throw new DsmError(codes.badParam, 'max_sessions');
  }
  Object.assign(target, auth, { name, iqn });
  target.maxSessions = maxSessions ?? target.maxSessions;
  target.headerChecksum = params.bool('has_header_checksum') ?? target.headerChecksum;
  target.dataChecksum = params.bool('has_data_checksum') ?? target.dataChecksum;
  target.maxRecvSegBytes = params.int('max_recv_seg_bytes') ?? target.maxRecvSegBytes;
  target.maxSendSegBytes = params.int('max_send_seg_bytes') ?? target.maxSendSegBytes;
  return undefined;
}

async function remove(ctx: HandlerContext) {
  const target = targetParam(ctx);
  ctx.state.targets.delete(target.targetId);
  return undefined;
}

export const targetHandlers: ApiHandlers = { create, get, list, set, delete: remove };
