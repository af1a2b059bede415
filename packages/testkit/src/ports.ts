/** Ports for processes a test or the demo starts, so that runs never collide with each other. */
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (free when this resolves; bind it soon). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
