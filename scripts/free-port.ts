/**
 * A TCP port free on 127.0.0.1 now, for a stack started on throw-away ports (bench, fuzz, tests).
 *
 * Chosen below the kernel's ephemeral range, not by listening on port 0: a port from that range
 * stays free only until the kernel hands it to some outgoing connection or to another listener on
 * port 0, and a stack binds its ports seconds after they are chosen (`npm start` migrates first).
 * That is how a test's dev server once found its UI port taken ("bind: address already in use").
 */
import fs from 'node:fs';
import net from 'node:net';

/** Ports this process has handed out: never twice, though each was free when checked. */
const handedOut = new Set<number>();

export async function freePort(): Promise<number> {
  const [low, high] = portsBelowEphemeral();
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if (handedOut.has(port) || !(await bindable(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free TCP port found between ${low} and ${high}`);
}

/** The ports below the ephemeral range (Linux's, else the IANA one from 49152): from 10 000 up. */
function portsBelowEphemeral(): [number, number] {
  let ephemeralLow = 49152;
  try {
    const [first] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    if (Number(first) > 11_000) ephemeralLow = Number(first);
  } catch {
    // Not Linux: the IANA range.
  }
  return [10_000, ephemeralLow - 1];
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}
