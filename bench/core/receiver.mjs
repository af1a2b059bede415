// An OTLP/HTTP receiver that reads and discards every request, in a child process so that its CPU is
// not counted against the pipeline under test.
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

if (process.argv[2] === '--serve') {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  server.listen(0, '127.0.0.1', () => process.send?.(server.address().port));
}

/** Starts the receiver; resolves to `{ url, stop }`. */
export function startReceiver() {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { stdio: 'ignore' });
  return new Promise((resolve) => {
    child.once('message', (port) => resolve({ url: `http://127.0.0.1:${port}/v1/traces`, stop: () => child.kill() }));
  });
}
