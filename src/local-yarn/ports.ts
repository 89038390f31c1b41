// Ports for the YARN daemons.

import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * A free port below the kernel's ephemeral range (where listen(0) and every outgoing connection take
 * theirs): 20 JVMs' and the rest of the machine's client sockets can then not take it between the
 * pick and the daemon's bind (seen: the NM's shuffle handler, bound on 0.0.0.0, failing with
 * "Address already in use"). Checked free on 0.0.0.0, which covers 127.0.0.1 too.
 */
const picked = new Set<number>();
export async function freePort(): Promise<number> {
  let low = 32768;
  try {
    low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || low;
  } catch {
    // not Linux: the usual default
  }
  for (let i = 0; i < 200; i++) {
    const port = 10_000 + Math.floor(Math.random() * Math.max(1, low - 10_000));
    if (picked.has(port)) continue;
    if (await canListen(port)) {
      picked.add(port);
      return port;
    }
  }
  return listenOn(0);
}

async function canListen(port: number): Promise<boolean> {
  try {
    await listenOn(port);
    return true;
  } catch {
    return false;
  }
}

async function listenOn(port: number): Promise<number> {
  const server = createServer();
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(port, '0.0.0.0', () => res());
  });
  const bound = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return bound;
}
