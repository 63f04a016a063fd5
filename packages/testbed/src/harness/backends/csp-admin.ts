// Operator actions through the CSP contract, with the same secret the StorageClass carries:
// log in (service mode: array_ip and x-array-ip), act, log out.
import type { Host, Volume } from '@opencsp/csp-spec';
import { CspClient, CspHttpError, StaticToken } from '@opencsp/csp-spec/client';
import { testPki } from '../../common/index.js';
import type { CspAccess } from './types.js';

/**
 * Harness CSPs serve HTTPS with the test CA's certificate at the secret's serviceName:servicePort;
 * a CSP elsewhere (the chart's, src/kube) is reached through its `access`.
 */
export async function harnessAccess(secrets: Record<string, string>): Promise<CspAccess> {
  return {
    baseUrl: `https://${secrets.serviceName}:${secrets.servicePort}/containers/v1`,
    ca: (await testPki()).ca.cert,
  };
}

async function cspClient(secrets: Record<string, string>, access?: CspAccess): Promise<CspClient> {
  const { baseUrl, ca, servername } = access ?? (await harnessAccess(secrets));
  return new CspClient({
    baseUrl,
    arrayIp: secrets.backend as string,
    retries: 0,
    tls: { ca, ...(servername ? { servername } : {}) },
  });
}

async function withCsp<T>(
  secrets: Record<string, string>,
  access: CspAccess | undefined,
  work: (client: CspClient) => Promise<T>,
): Promise<T> {
  const arrayIp = secrets.backend as string;
  const client = await cspClient(secrets, access);
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
export function removeHostThroughCsp(secrets: Record<string, string>, uuid: string, access?: CspAccess): Promise<void> {
  return withCsp(secrets, access, (client) => client.deleteHostByUuid(uuid));
}

/** GET /volumes/{id} through the CSP: the volume as the CSP reads it from the array. */
export function volumeThroughCsp(secrets: Record<string, string>, id: string, access?: CspAccess): Promise<Volume> {
  return withCsp(secrets, access, (client) => client.getVolume(id));
}

/** GET /hosts through the CSP: the hosts it keeps for the secret's array. */
export function hostsThroughCsp(secrets: Record<string, string>, access?: CspAccess): Promise<Host[]> {
  return withCsp(secrets, access, (client) => client.listHosts());
}

/** A login with a wrong password (the array refuses it); returns the CSP's HTTP status. */
export async function refusedLoginThroughCsp(secrets: Record<string, string>): Promise<number> {
  const client = await cspClient(secrets);
  try {
    await client.login({
      username: secrets.username as string,
      password: `${secrets.password}-wrong`,
      array_ip: secrets.backend as string,
    });
    throw new Error('the CSP accepted a wrong password');
  } catch (err) {
    if (err instanceof CspHttpError) {
      return err.status;
    }
    throw err;
  } finally {
    await client.close();
  }
}
