// The bench's input: N generated wide events over one hour, as OTLP/JSON lines (the Collector's file
// exporter format), written once per size into the OS temp folder and reused.
import { createWriteStream, existsSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateWideEvents, otlpBatches } from '@wideline/testkit';

/** Start of the generated hour (fixed, so files are reusable): 2026-11-01 10:00 UTC. */
export const START_MS = Date.UTC(2026, 10, 1, 10);
export const END_MS = START_MS + 3600_000;

export async function eventsFile(count) {
  const path = join(tmpdir(), `wideline-bench-events-${count}.jsonl`);
  if (existsSync(path)) return { path, bytes: statSync(path).size };
  const out = createWriteStream(`${path}.tmp`);
  const chunk = 100_000;
  for (let i = 0; i < count; i += chunk) {
    const events = generateWideEvents({
      count: Math.min(chunk, count - i),
      startMs: START_MS + (i / count) * 3600_000,
      endMs: START_MS + ((i + chunk) / count) * 3600_000,
      seed: 1 + i,
      regressAfter: i / count >= 0.8 ? 0 : undefined,
    });
    for (const body of otlpBatches(events, 1000)) {
      if (!out.write(`${JSON.stringify(body)}\n`)) await new Promise((r) => out.once('drain', r));
    }
  }
  await new Promise((r) => out.end(r));
  renameSync(`${path}.tmp`, path);
  return { path, bytes: statSync(path).size };
}
