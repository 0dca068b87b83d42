// A TCP proxy between Linkhub and a server (PostgreSQL) that a test can cut, freeze or silence, to
// see the server go down or stop answering without touching the shared server itself:
//   open    bytes flow both ways (each chunk held `delayMs` when set: a slow network, to stretch a start)
//   down    every connection is reset and new ones are reset at once (as a stopped server's port)
//   frozen  connections, open or new, are kept but nothing flows either way (a hung server, a paused
//           peer or a black-holed network)
//   strand  the connections open now go silent for good, new ones flow (a NAT or firewall forgot them)
import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export type ProxyMode = 'open' | 'down' | 'frozen' | 'strand';

export interface TcpProxy {
  port: number;
  /** `url` with its host replaced by this proxy. */
  url(url: string): string;
  set(mode: ProxyMode, delayMs?: number): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let mode: Exclude<ProxyMode, 'strand'> = 'open';
  let delayMs = 0;
  /** The pairs a mode change acts on (a stranded pair is in `all` only: silent until closed). */
  const live = new Set<[Socket, Socket]>();
  const all = new Set<[Socket, Socket]>();
  const server = createServer((client) => {
    if (mode === 'down') return void client.resetAndDestroy();
    const upstream = connect(targetPort, targetHost);
    const pair: [Socket, Socket] = [client, upstream];
    live.add(pair);
    all.add(pair);
    const end = () => {
      live.delete(pair);
      all.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    // While frozen neither side is read: bytes wait in the kernel's buffers, as behind a hung peer.
    const forward = (to: Socket) => (d: Buffer) => (delayMs > 0 ? setTimeout(() => to.write(d), delayMs) : to.write(d));
    client.on('data', forward(upstream));
    upstream.on('data', forward(client));
    if (mode === 'frozen') {
      client.pause();
      upstream.pause();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url(url) {
      const u = new URL(url);
      u.host = `127.0.0.1:${port}`;
      return u.toString();
    },
    set(next, delay = 0) {
      delayMs = delay;
      if (next === 'strand') {
        for (const [c, u] of live) {
          c.pause();
          u.pause();
        }
        live.clear();
        mode = 'open';
        return;
      }
      mode = next;
      for (const [c, u] of live) {
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
        for (const [c, u] of all) {
          c.destroy();
          u.destroy();
        }
        server.close(() => r());
      }),
  };
}
