// `pnpm stack status`: each service up or down, and what the stores hold — the trace store's size on
// disk and its oldest trace, Redis's data — so that disk use stays visible.
import { mode, recordedStore } from './context.mjs';
import { ownedPid } from './processes.mjs';
import { DOCKER_DATA, traceStore } from './services.mjs';
import { ago, containerDiskUsage, diskUsage, formatBytes, oldestTrace } from './store.mjs';

function size(ctx, service, docker) {
  if (!docker) return `${formatBytes(diskUsage(service.dataDir))} in ${service.dataDir}`;
  try {
    return `${formatBytes(containerDiskUsage(ctx.repo, service.name, DOCKER_DATA[service.name]))} in volume ${service.name}-data`;
  } catch {
    return `volume ${service.name}-data (size unknown: the container does not answer)`;
  }
}

async function jaegerStore(ctx, service, healthy, docker) {
  const store = recordedStore(ctx) ?? { ...traceStore(ctx.env), source: 'not recorded: defaults' };
  const parts = [
    store.store === 'memory' ? 'store memory (empty at every start)' : `store badger, ${size(ctx, service, docker)}`,
  ];
  if (store.store === 'badger') parts.push(`retention ${store.retention}`);
  if (healthy) {
    const oldest = await oldestTrace(`http://localhost:${ctx.ports.jaegerQuery}`);
    parts.push(
      oldest ? `oldest trace ${oldest.toISOString().replace('T', ' ').slice(0, 16)} UTC (${ago(oldest)})` : 'no traces',
    );
  }
  return parts.join(', ');
}

export async function status(ctx) {
  const docker = mode(ctx) === 'docker';
  let allUp = true;
  for (const service of ctx.services) {
    const healthy = await service.healthy();
    allUp &&= healthy;
    const pid = ownedPid(ctx.dir, service.name);
    let about = '';
    if (service.name === 'jaeger') about = await jaegerStore(ctx, service, healthy, docker);
    if (service.name === 'redis') about = `data ${size(ctx, service, docker)} (AOF)`;
    console.log(
      `  ${service.name.padEnd(10)} ${healthy ? 'up  ' : 'down'}${pid ? ` (pid ${pid})` : ''}${about ? `  ${about}` : ''}`,
    );
  }
  process.exitCode = allUp ? 0 : 1;
}
