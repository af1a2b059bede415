/**
 * How an OTLP/JSON file is cut into documents before the engine parses them, and, when one is bad,
 * where: the engine's JSON functions only say that a document failed, so the file is read again in
 * JavaScript (on that path only) to name the line and the position.
 *
 * @module
 */
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { DocumentSplit } from './otlp-schema.ts';

const CHUNK = 1 << 16;

/**
 * `LineAsString` when the file's first line is a whole JSON object (JSON lines, what the Collector's
 * file exporter writes), else `JSONAsString` (one document over many lines, or an array of them).
 */
export async function documentSplit(path: string): Promise<DocumentSplit> {
  const file = await open(path, 'r');
  try {
    let head = '';
    const buffer = Buffer.alloc(CHUNK);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, CHUNK, null);
      const text = buffer.toString('latin1', 0, bytesRead);
      const newline = text.indexOf('\n');
      head += newline < 0 ? text : text.slice(0, newline);
      if (newline >= 0 || bytesRead < CHUNK) break;
    }
    const line = head.trim();
    return line.startsWith('{') && line.endsWith('}') ? 'LineAsString' : 'JSONAsString';
  } finally {
    await file.close();
  }
}

/** Why a document is not OTLP/JSON, or undefined when it is. */
function problem(text: string): string | undefined {
  try {
    const doc = JSON.parse(text) as unknown;
    const docs = Array.isArray(doc) ? doc : [doc];
    if (docs.some((d) => typeof d !== 'object' || d === null || !('resourceSpans' in d)))
      return 'a JSON document without "resourceSpans" (OTLP/JSON is {"resourceSpans": […]})';
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The first bad document of a file the engine refused: `line 3: Expected ',' or '}' after property
 * value in JSON at position 37 (line 1 column 38)`. Undefined when JavaScript finds none.
 */
export async function describeBadDocument(path: string, split: DocumentSplit): Promise<string | undefined> {
  if (split === 'JSONAsString') return problem(await readFile(path, 'utf8'));
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    const found = problem(line);
    if (found) {
      lines.close();
      return `line ${n}: ${found}`;
    }
  }
  return undefined;
}
