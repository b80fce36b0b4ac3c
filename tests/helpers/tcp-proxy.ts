/**
 * A TCP proxy the test can cut: every connection through it is destroyed and new ones are refused, as when
 * the database server goes away; `mend` listens again on the same port. Or stall it: connections stay open
 * and new ones are accepted, but no byte passes either way (a network that hangs rather than fails) until
 * `mend`, when what waited flows on. Points a node at a database the test can take away without touching the
 * machine's shared PostgreSQL.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export type CuttableProxy = { port: number; cut(): Promise<void>; stall(): void; mend(): Promise<void>; close(): Promise<void> };

export async function cuttableProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<CuttableProxy> {
  const open = new Set<Socket>();
  const pairs = new Set<[Socket, Socket]>();
  let server: Server | null = null;
  let port = 0;
  let stalled = false;
  /** flowing: piped both ways; not: unpiped and paused, so bytes wait in the kernel until mended */
  const join = ([a, b]: [Socket, Socket], flowing: boolean) => {
    if (flowing) {
      a.pipe(b);
      b.pipe(a);
    } else {
      a.unpipe(b);
      b.unpipe(a);
      a.pause();
      b.pause();
    }
  };
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = connect(targetPort, targetHost);
        for (const sock of [client, upstream]) {
          open.add(sock);
          sock.on('close', () => open.delete(sock));
          sock.on('error', () => undefined);
        }
        const pair: [Socket, Socket] = [client, upstream];
        pairs.add(pair);
        join(pair, !stalled);
        client.on('close', () => {
          pairs.delete(pair);
          upstream.destroy();
        });
        upstream.on('close', () => client.destroy());
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        const addr = s.address();
        port = typeof addr === 'object' && addr ? addr.port : port;
        server = s;
        resolve();
      });
    });
  const cut = async () => {
    const s = server;
    server = null;
    for (const sock of open) sock.destroy();
    pairs.clear();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  };
  const stall = () => {
    stalled = true;
    for (const pair of pairs) join(pair, false);
  };
  const mend = async () => {
    if (stalled) {
      stalled = false;
      for (const pair of pairs) join(pair, true);
    }
    if (!server) await listen();
  };
  await listen();
  return { port, cut, stall, mend, close: cut };
}
