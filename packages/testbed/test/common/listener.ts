// A TCP listener on 127.0.0.1 that counts the connections it gets and drops them: where a probe
// through a CSP would land, so tests can prove that nothing connected.
import { createServer } from 'node:net';

export interface CountingListener {
  port: number;
  connections(): number;
  close(): Promise<void>;
}

export async function countingListener(): Promise<CountingListener> {
  let count = 0;
  const server = createServer((socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    connections: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
