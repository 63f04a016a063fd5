// Turns DSM client failures into contract problems with messages a cluster operator can act on.
// Secrets never reach these messages: they name objects, codes and causes only.
import { CspProblem } from '@opencsp/csp-spec/server';
import { DiscoveryError } from './discovery.js';
import { DsmApiError, DsmLoginError, DsmTransportError } from './errors.js';

export interface ProblemContext {
  /** What was being done, e.g. `creating LUN k8s-pvc-1`. */
  doing: string;
  model?: string;
  limits?: { luns?: number; targets?: number; snapshotsPerLun?: number };
}

const limitText = (what: string, n: number | undefined, model: string | undefined) =>
  `${model ?? 'this NAS'} allows ${n ?? 'no more'} ${what}`;

function fromCode(err: DsmApiError, ctx: ProblemContext): CspProblem {
  const where = `${ctx.doing}: `;
  switch (err.code) {
    case 105:
      return new CspProblem(
        'UNAUTHENTICATED',
        `${where}DSM denied ${err.api}.${err.method} (105): the account must be in the administrators group`,
      );
    case 18990002:
      return new CspProblem('OUT_OF_SPACE', `${where}the storage volume has not enough free space (DSM 18990002)`);
    case 18990541:
      return new CspProblem(
        'LIMIT_EXCEEDED',
        `${where}${limitText('iSCSI LUNs', ctx.limits?.luns, ctx.model)} (DSM 18990541); delete unused LUNs or volumes`,
      );
    case 18990542:
      return new CspProblem(
        'LIMIT_EXCEEDED',
        `${where}${limitText('iSCSI targets', ctx.limits?.targets, ctx.model)} (DSM 18990542); this CSP needs one target per node, so this NAS cannot serve another node`,
      );
    case 18990543:
      return new CspProblem(
        'LIMIT_EXCEEDED',
        `${where}${limitText('snapshots per LUN', ctx.limits?.snapshotsPerLun, ctx.model)} (DSM 18990543)`,
      );
    case 18990538:
    case 18990744:
    case 18990513:
      return new CspProblem('NAME_TAKEN', `${where}the name is already in use on the NAS (DSM ${err.code})`);
    case 18990004:
    case 18990505:
    case 18990531:
      return new CspProblem('NOT_FOUND', `${where}no such LUN on the NAS (DSM ${err.code})`);
    case 18990532:
      return new CspProblem('NOT_FOUND', `${where}no such snapshot on the NAS (DSM ${err.code})`);
    case 18990068:
    case 18990503:
      return new CspProblem('INVALID_INPUT', `${where}DSM refused the name (DSM ${err.code})`, { field: 'body.name' });
    case 18990403:
      return new CspProblem('INVALID_INPUT', `${where}DSM refused the description (DSM 18990403)`, {
        field: 'body.description',
      });
    case 18990318:
    case 18990500:
      return new CspProblem(
        'INVALID_INPUT',
        `${where}the LUN type does not suit the storage volume's filesystem (DSM ${err.code})`,
        { field: 'config.lun_type' },
      );
    default:
      return new CspProblem('INTERNAL', `${where}${err.api}.${err.method} failed with DSM error ${err.code}`);
  }
}

export function toProblem(err: unknown, ctx: ProblemContext): unknown {
  if (err instanceof CspProblem) {
    return err;
  }
  if (err instanceof DsmApiError) {
    return fromCode(err, ctx);
  }
  if (err instanceof DsmLoginError) {
    return new CspProblem('UNAUTHENTICATED', err.message);
  }
  if (err instanceof DsmTransportError || err instanceof DiscoveryError) {
    return new CspProblem('UNAVAILABLE', `${ctx.doing}: ${err.message}`, { cause: err });
  }
  return err;
}

/** Runs `work`, turning DSM failures into problems described by `ctx`. */
export async function describing<T>(ctx: ProblemContext, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw toProblem(err, ctx);
  }
}
