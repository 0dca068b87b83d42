// A TCP proxy between Linkhub and a server (PostgreSQL) that a test can cut or freeze, to see
// the server go down or stop answering without touching the shared server itself:
//   open    bytes flow both ways
//   down    every connection is reset and new ones are reset at once (as a stopped server's port)
//   frozen  connections are accepted and kept, but nothing flows either way (a hung server or network)
import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export type ProxyMode = 'open' | 'down' | 'frozen';

export interface TcpProxy {
  port: number;
  set(mode: ProxyMode): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let mode: ProxyMode = 'open';
  const pairs = new Set<[Socket, Socket]>();
  const server = createServer((client) => {
    if (mode === 'down') return void client.resetAndDestroy();
    const upstream = connect(targetPort, targetHost);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    // While frozen neither side is read: bytes wait in the kernel's buffers, as behind a hung peer.
    client.on('data', (d) => upstream.write(d));
    upstream.on('data', (d) => client.write(d));
    if (mode === 'frozen') {
      client.pause();
      upstream.pause();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    set(next) {
      mode = next;
      for (const [c, u] of pairs) {
        if (next === 'down') {
          c.resetAndDestroy();
          u.destroy();
        } else if (next === 'frozen') {
          c.pause();
          u.pause();
        } else {
          c.resume();
          u.resume();
        }
      }
    },
    close: () =>
      new Promise((r) => {
        for (const [c, u] of pairs) {
          c.destroy();
          u.destroy();
        }
        server.close(() => r());
      }),
  };
}
