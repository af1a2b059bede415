// `pnpm stack reset`: empties the stores on purpose — Jaeger's traces, Redis's queues, Spotlight's
// buffer — and starts again what was running. The only command that deletes stack data: `down`, `up`,
// `kill`, the demo and the tests never do.
import { rmSync } from 'node:fs';
import { mode } from './context.mjs';
import { compose } from './docker.mjs';
import { startNative, stopNative } from './native.mjs';
import { ownedPid } from './processes.mjs';
import { diskUsage, formatBytes } from './store.mjs';

export async function reset(ctx, names) {
  if (names.length > 0) throw new Error('reset empties every store; it takes no service names');
  if (mode(ctx) === 'docker') {
    const wasUp = (await Promise.all(ctx.services.map((s) => s.healthy()))).some(Boolean);
    // `down --volumes` removes this project's named volumes: jaeger-data and redis-data.
    compose(ctx.repo, ['down', '--volumes']);
    if (wasUp) compose(ctx.repo, ['up', '-d', '--wait']);
    console.log(`stack: reset — volumes jaeger-data and redis-data emptied${wasUp ? ', stack up again' : ''}`);
    return;
  }
  for (const service of ctx.services.filter((s) => s.dataDir)) {
    const ours = ownedPid(ctx.dir, service.name) !== undefined;
    const foreign = !ours && (await service.healthy());
    if (ours) await stopNative(ctx, service);
    const bytes = diskUsage(service.dataDir);
    rmSync(service.dataDir, { recursive: true, force: true });
    console.log(`  ${service.name.padEnd(10)} emptied (${formatBytes(bytes)} deleted from ${service.dataDir})`);
    if (foreign)
      console.log(`             (the ${service.name} answering now was not started by this stack: left alone)`);
    if (ours) await startNative(ctx, service);
  }
  const spotlight = ctx.services.find((s) => s.name === 'spotlight');
  if (await spotlight.healthy()) {
    await fetch(`http://localhost:${ctx.ports.spotlight}/clear`, { method: 'DELETE' });
    console.log('  spotlight  emptied (its buffer of events)');
  }
  console.log('stack: reset');
}
