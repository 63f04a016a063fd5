// The simulators' node API and its client: what a node in another process (the loop launcher)
// resolves and logs in with, errors arriving as the same driver error kinds as in-process.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DriverError } from '@opencsp/csi-driver/node';
import { SimRoutes } from '@opencsp/testbed/common';
import { handleNodeApi, type NodeSide, nodeApiPrefix, remoteNodeSide } from '@opencsp/testbed/loop';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const logins: unknown[] = [];
const side: NodeSide = {
  async resolve(publishContext) {
    if (publishContext.serialNumber === 'missing') {
      throw new DriverError('NotFound', 'no LUN with serial missing on the array');
    }
    return `/data/${publishContext.serialNumber}.img`;
  },
  sessions(initiator) {
    return {
      async login(request) {
        if (request.chap?.password === 'wrong-secret-1') {
          throw new DriverError('Unauthenticated', 'iSCSI login refused: CHAP');
        }
        logins.push({ initiator, volumeId: request.volumeId, chap: request.chap });
        return { initiator, targets: ['iqn.t'] };
      },
      async logout(session) {
        logins.push({ logout: session });
      },
    };
  },
};

/** The NVMe/TCP half: namespaces by NGUID, `nvme connect` of a host NQN. */
const nvmeSide: NodeSide = {
  async resolve(publishContext) {
    return `/data/ns-${publishContext.serialNumber}.img`;
  },
  sessions(hostnqn) {
    return {
      async login(request) {
        logins.push({ hostnqn, volumeId: request.volumeId });
        return { hostnqn, subnqn: 'nqn.2011-06.com.truenas:sub' };
      },
      async logout(session) {
        logins.push({ disconnect: session });
      },
    };
  },
};

describe('node API', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const routes = new SimRoutes();
    routes.add(nodeApiPrefix, (req, res, u) => handleNodeApi(side, req, res, u, nvmeSide));
    server = createServer((req, res) => {
      void routes.serve(req, res, new URL(req.url ?? '/', 'http://sim')).then((served) => {
        if (!served) {
          res.writeHead(404).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('resolves, logs in with CHAP and logs out through HTTP', async () => {
    const remote = remoteNodeSide({ url });
    try {
      expect(await remote.resolve({ serialNumber: 'abc' })).toBe('/data/abc.img');
      const sessions = remote.sessions('iqn.node');
      const chap = { user: 'u', password: 'secret-12345' };
      const session = await sessions.login({ volumeId: 'v1', publishContext: { serialNumber: 'abc' }, chap });
      expect(session).toEqual({ initiator: 'iqn.node', targets: ['iqn.t'] });
      await sessions.logout(session);
      expect(logins).toEqual([{ initiator: 'iqn.node', volumeId: 'v1', chap }, { logout: session }]);
    } finally {
      await remote.close();
    }
  });

  it('serves the NVMe/TCP side under its own route, with the host NQN as the initiator', async () => {
    const remote = remoteNodeSide({ url, protocol: 'nvmetcp' });
    try {
      expect(await remote.resolve({ serialNumber: 'abc' })).toBe('/data/ns-abc.img');
      const hostnqn = 'nqn.2014-08.org.nvmexpress:uuid:00000000-0000-4000-8000-000000000001';
      const session = await remote.sessions(hostnqn).login({ volumeId: 'v2', publishContext: { serialNumber: 'abc' } });
      expect(session).toEqual({ hostnqn, subnqn: 'nqn.2011-06.com.truenas:sub' });
      await remote.sessions(hostnqn).logout(session);
      expect(logins.slice(-2)).toEqual([{ hostnqn, volumeId: 'v2' }, { disconnect: session }]);
    } finally {
      await remote.close();
    }
  });

  it('carries the driver error kind and message across', async () => {
    const remote = remoteNodeSide({ url });
    try {
      await expect(remote.resolve({ serialNumber: 'missing' })).rejects.toMatchObject({
        kind: 'NotFound',
        message: 'no LUN with serial missing on the array',
      });
      const login = remote
        .sessions('iqn.node')
        .login({ volumeId: 'v1', publishContext: {}, chap: { user: 'u', password: 'wrong-secret-1' } });
      await expect(login).rejects.toMatchObject({ kind: 'Unauthenticated' });
    } finally {
      await remote.close();
    }
  });

  it('answers a malformed request with 400 naming the field, and an unreachable simulator is Unavailable', async () => {
    const answer = await fetch(`${url}${nodeApiPrefix}login`, { method: 'POST', body: '{"initiator":""}' });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ kind: 'InvalidArgument', message: expect.stringMatching(/initiator/) });
    const gone = remoteNodeSide({ url: 'http://127.0.0.1:1' });
    await expect(gone.resolve({ serialNumber: 'abc' })).rejects.toMatchObject({ kind: 'Unavailable' });
    await gone.close();
  });
});
