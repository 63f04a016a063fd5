// Registered hosts (Kubernetes nodes): their initiators and CHAP settings. DSM has no host object
// to keep them in, so they live in the CSP's memory per NAS; drivers register a host before every
// publish (HPE's and ours do), and everything that must survive a restart lives on the NAS: the
// host's target, its masking and its LUN mappings.
import type { Host, HostRequest } from '@opencsp/csp-spec';
import { CspProblem } from '@opencsp/csp-spec/server';
import { digest, hostId } from './ids.js';

export interface HostChap {
  user: string;
  password: string;
  mutualUser: string;
  mutualPassword: string;
}

export interface RegisteredHost {
  host: Host;
  chap: HostChap | undefined;
}

/** A fingerprint of CHAP settings (DSM never returns secrets, so changes are tracked by this). */
export function chapFingerprint(chap: HostChap | undefined): string {
  return chap ? digest(`${chap.user}\0${chap.password}\0${chap.mutualUser}\0${chap.mutualPassword}`, 32) : 'none';
}

function chapOf(request: HostRequest): HostChap | undefined {
  if (!request.chap_user) {
    return undefined;
  }
  const secret = request.chap_password ?? '';
  if (secret.length < 12 || secret.length > 16) {
    throw new CspProblem('INVALID_INPUT', 'body.chap_password: DSM needs a CHAP secret of 12 to 16 characters', {
      field: 'body.chap_password',
    });
  }
  const mutualUser = request.chap_mutual_user ?? '';
  const mutualPassword = request.chap_mutual_password ?? '';
  if (mutualUser && (mutualPassword.length < 12 || mutualPassword.length > 16)) {
    throw new CspProblem(
      'INVALID_INPUT',
      'body.chap_mutual_password: DSM needs a mutual CHAP secret of 12 to 16 characters',
      { field: 'body.chap_mutual_password' },
    );
  }
  if (mutualUser && mutualPassword === secret) {
    throw new CspProblem('INVALID_INPUT', 'body.chap_mutual_password: must differ from chap_password', {
      field: 'body.chap_mutual_password',
    });
  }
  return { user: request.chap_user, password: secret, mutualUser, mutualPassword: mutualUser ? mutualPassword : '' };
}

export class HostRegistry {
  readonly #byNas = new Map<string, Map<string, RegisteredHost>>();

  #hosts(serial: string): Map<string, RegisteredHost> {
    let hosts = this.#byNas.get(serial);
    if (!hosts) {
      hosts = new Map();
      this.#byNas.set(serial, hosts);
    }
    return hosts;
  }

  upsert(serial: string, request: HostRequest): Host {
    if (request.wwpns?.length || request.nqns?.length) {
      if (!request.iqns?.length) {
        throw new CspProblem('INVALID_INPUT', 'body.iqns: Synology DSM serves iSCSI only; the host needs iqns', {
          field: 'body.iqns',
        });
      }
    }
    const host: Host = {
      id: hostId(request.uuid),
      uuid: request.uuid,
      name: request.name ?? request.uuid,
      iqns: [...new Set(request.iqns ?? [])],
      networks: request.networks ?? [],
      access_protocol: 'iscsi',
    };
    const chap = chapOf(request);
    if (chap) {
      host.chap_user = chap.user;
    }
    this.#hosts(serial).set(request.uuid, { host, chap });
    return { ...host };
  }

  get(serial: string, uuid: string): RegisteredHost | undefined {
    return this.#hosts(serial).get(uuid);
  }

  byId(serial: string, id: string): RegisteredHost | undefined {
    return [...this.#hosts(serial).values()].find((h) => h.host.id === id);
  }

  remove(serial: string, uuid: string): void {
    this.#hosts(serial).delete(uuid);
  }

  list(serial: string): Host[] {
    return [...this.#hosts(serial).values()].map((h) => ({ ...h.host }));
  }
}
