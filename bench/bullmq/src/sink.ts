/**
 * The OTLP receiver the benchmarks export to: it answers 200 and discards, counting requests, bytes
 * and spans. It runs in a child process, so that what it spends reading requests is not counted in
 * the CPU of the process measured: that is the receiver's cost, not the instrumentation's.
 *
 * @module
 */
import { spawn } from 'node:child_process';

/** A running receiver. */
export interface Sink {
  url: string;
  /** Requests, bytes and spans (OTLP/JSON `"kind"` fields: only spans have one) received so far. */
  stats(): Promise<{ requests: number; bytes: number; spans: number }>;
  close(): void;
}

const SINK_SOURCE = `
const { createServer } = require('node:http');
let requests = 0, bytes = 0, spans = 0;
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => { bytes += chunk.length; chunks.push(chunk); });
  req.on('end', () => {
    requests += 1;
    spans += Buffer.concat(chunks).toString('latin1').split('"kind":').length - 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', () => process.send({ requests, bytes, spans }));
process.on('disconnect', () => process.exit(0));
`;

export async function startSink(): Promise<Sink> {
  const child = spawn(process.execPath, ['-e', SINK_SOURCE], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise<Record<string, number>>((resolve) => child.once('message', resolve as never));
  const { port } = await next();
  return {
    url: `http://127.0.0.1:${port}`,
    stats: async () => {
      const reply = next();
      child.send('stats');
      const { requests = 0, bytes = 0, spans = 0 } = await reply;
      return { requests, bytes, spans };
    },
    close: () => child.disconnect(),
  };
}
