// Probes the stack CLI uses to tell whether a service answers.
import { connect } from 'node:net';

/** GET `url` answers 2xx (and its body contains `expect`, when given). */
export async function httpOk(url, expect) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1500) });
    return res.ok && (expect === undefined || (await res.text()).includes(expect));
  } catch {
    return false;
  }
}

/** A Redis on `port` answers PING with PONG. */
export function redisPing(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/** Something accepts TCP connections on 127.0.0.1:`port`. */
export function portInUse(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('connect', () => socket.destroy() || resolve(true));
    socket.on('error', () => resolve(false));
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
