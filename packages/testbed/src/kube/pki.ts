// Certificates of one test cluster, made per run with openssl (EC P-256: fast to generate): a CA,
// the apiserver's serving certificate (localhost, 127.0.0.1), client certificates for the admin
// (system:masters), kube-controller-manager, kube-scheduler and each kubelet (system:node:NAME in
// system:nodes, as the Node authorizer requires), and the service-account signing key pair.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface KeyPair {
  cert: string;
  key: string;
}

export interface ClusterPki {
  dir: string;
  ca: KeyPair;
  apiserver: KeyPair;
  admin: KeyPair;
  controllerManager: KeyPair;
  scheduler: KeyPair;
  /** Signs service-account tokens (private) and verifies them (public). */
  serviceAccount: { key: string; pub: string };
  /** A kubelet's client certificate: CN system:node:<name>, O system:nodes. */
  node(name: string): Promise<KeyPair>;
}

async function ecKey(path: string): Promise<void> {
  await run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', path]);
}

/** Subject fields as openssl's -subj wants them; values may not hold '/' or ','. */
function subject(fields: { cn: string; o?: string }): string {
  for (const value of [fields.cn, fields.o ?? '']) {
    if (/[/,=]/.test(value)) {
      throw new Error(`certificate subject value ${JSON.stringify(value)} holds a separator`);
    }
  }
  return `${fields.o ? `/O=${fields.o}` : ''}/CN=${fields.cn}`;
}

async function signed(
  dir: string,
  ca: KeyPair,
  name: string,
  fields: { cn: string; o?: string },
  extensions: string[],
): Promise<KeyPair> {
  const pair = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  await ecKey(pair.key);
  await run('openssl', ['req', '-new', '-key', pair.key, '-subj', subject(fields), '-out', csr]);
  await writeFile(ext, `${extensions.join('\n')}\n`);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-set_serial',
    `0x${randomBytes(12).toString('hex')}`,
    '-days',
    '2',
    '-sha256',
    '-extfile',
    ext,
    '-out',
    pair.cert,
  ]);
  return pair;
}

const client = ['keyUsage=critical,digitalSignature', 'extendedKeyUsage=clientAuth'];

/** Makes every certificate and key of a cluster in `dir` (which the caller owns and removes). */
export async function createClusterPki(dir: string): Promise<ClusterPki> {
  const ca = { cert: join(dir, 'ca.crt'), key: join(dir, 'ca.key') };
  await ecKey(ca.key);
  await run('openssl', [
    'req',
    '-x509',
    '-new',
    '-key',
    ca.key,
    '-subj',
    subject({ cn: 'opencsp-e2e-kube-ca' }),
    '-days',
    '2',
    '-sha256',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
    '-out',
    ca.cert,
  ]);
  const [apiserver, admin, controllerManager, scheduler] = await Promise.all([
    signed(dir, ca, 'apiserver', { cn: 'kube-apiserver' }, [
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default.svc',
    ]),
    signed(dir, ca, 'admin', { cn: 'opencsp-e2e-admin', o: 'system:masters' }, client),
    signed(dir, ca, 'kube-controller-manager', { cn: 'system:kube-controller-manager' }, client),
    signed(dir, ca, 'kube-scheduler', { cn: 'system:kube-scheduler' }, client),
  ]);
  const serviceAccount = { key: join(dir, 'sa.key'), pub: join(dir, 'sa.pub') };
  await ecKey(serviceAccount.key);
  await run('openssl', ['ec', '-in', serviceAccount.key, '-pubout', '-out', serviceAccount.pub]);
  return {
    dir,
    ca,
    apiserver,
    admin,
    controllerManager,
    scheduler,
    serviceAccount,
    node: (name) => signed(dir, ca, `node-${name}`, { cn: `system:node:${name}`, o: 'system:nodes' }, client),
  };
}
