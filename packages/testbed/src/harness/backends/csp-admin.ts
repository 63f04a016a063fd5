// Operator actions through the CSP contract, with the same secret the StorageClass carries:
// log in (service mode: array_ip and x-array-ip), act, log out.
import { CspClient, StaticToken } from '@opencsp/csp-spec/client';
import { testPki } from '../../common/index.js';

async function withCsp<T>(secrets: Record<string, string>, work: (client: CspClient) => Promise<T>): Promise<T> {
  // Harness CSPs serve HTTPS with the test CA's certificate, as the chart's CSPs do with theirs.
  const baseUrl = `https://${secrets.serviceName}:${secrets.servicePort}/containers/v1`;
  const arrayIp = secrets.backend as string;
  const client = new CspClient({ baseUrl, arrayIp, retries: 0, tls: { ca: (await testPki()).ca.cert } });
  try {
    const token = await client.login({
      username: secrets.username as string,
      password: secrets.password as string,
      array_ip: arrayIp,
    });
    client.useTokens(new StaticToken(token.session_token));
    try {
      return await work(client);
    } finally {
      await client.logout(token.session_token).catch(() => undefined);
    }
  } finally {
    await client.close();
  }
}

/** DELETE /hosts?uuid= through the CSP. */
export function removeHostThroughCsp(secrets: Record<string, string>, uuid: string): Promise<void> {
  return withCsp(secrets, (client) => client.deleteHostByUuid(uuid));
}
