/**
 * OTLP/JSON files for offline analysis: what the OpenTelemetry Collector's file exporter writes
 * (`format: json`: one `{"resourceSpans":[…]}` per line; rotated files beside it), or any file of
 * such objects. A directory means every `*.json` / `*.jsonl` file in it.
 *
 * @module
 */
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ChdbEngine } from '../engine/chdb-engine.ts';
import { QueryEngineError } from '../engine/engine.ts';
import { UsageError } from '../errors.ts';

/** The files `paths` name: files as given, directories expanded to their JSON files (sorted). */
export async function otlpFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    const info = await stat(abs).catch(() => undefined);
    if (!info) throw new UsageError(`--file "${p}": no such file or directory`);
    if (info.isDirectory()) {
      const names = (await readdir(abs)).filter((n) => /\.jsonl?$/i.test(n)).sort();
      if (names.length === 0) throw new UsageError(`--file "${p}": the directory has no .json or .jsonl files`);
      out.push(...names.map((n) => join(abs, n)));
    } else {
      out.push(abs);
    }
  }
  return out;
}

/** Loads each file into the engine; a file the engine cannot read is named in the error. */
export async function loadOtlpFiles(engine: ChdbEngine, paths: readonly string[]): Promise<string[]> {
  const files = await otlpFiles(paths);
  for (const file of files) {
    try {
      await engine.loadOtlpFile(file);
    } catch (error) {
      if (error instanceof QueryEngineError)
        throw new UsageError(`--file "${file}" is not OTLP/JSON the engine can read: ${error.message.split('\n')[0]}`);
      throw error;
    }
  }
  return files;
}
