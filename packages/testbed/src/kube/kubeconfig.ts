// kubeconfig files for the control plane's clients (JSON is valid kubeconfig YAML).
import { writeFile } from 'node:fs/promises';
import type { KeyPair } from './pki.js';

export async function writeKubeconfig(
  path: string,
  input: { server: string; caFile: string; user: string; cert: KeyPair },
): Promise<string> {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'e2e', cluster: { server: input.server, 'certificate-authority': input.caFile } }],
    users: [{ name: input.user, user: { 'client-certificate': input.cert.cert, 'client-key': input.cert.key } }],
    contexts: [{ name: 'e2e', context: { cluster: 'e2e', user: input.user } }],
    'current-context': 'e2e',
  };
  await writeFile(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return path;
}
