/**
 * Reads Sentry envelopes back from Spotlight's `GET /stream` (server-sent events; it replays its
 * buffer to every new subscriber, so an envelope sent before subscribing is still seen).
 */
import { SPOTLIGHT_URL } from './stack.ts';

/** One envelope: its header and its items (header + parsed JSON payload). */
export interface Envelope {
  header: Record<string, unknown> & { trace?: Record<string, unknown> };
  items: Array<{ header: Record<string, unknown>; payload: Record<string, unknown> }>;
}

type Json = Record<string, unknown>;

/**
 * Spotlight's stream carries each envelope as JSON, `[header, [[itemHeader, payload], ...]]`; a raw
 * envelope (newline-separated JSON) is accepted too.
 */
function parseEnvelope(text: string): Envelope | undefined {
  try {
    if (text.startsWith('[')) {
      const [header, items] = JSON.parse(text) as [Json, Array<[Json, unknown]>];
      return {
        header,
        items: items.map(([itemHeader, payload]) => ({
          header: itemHeader,
          payload: typeof payload === 'object' && payload !== null ? (payload as Json) : {},
        })),
      };
    }
    const lines = text.split('\n');
    const items: Envelope['items'] = [];
    for (let i = 1; i + 1 < lines.length; i += 2) {
      items.push({ header: JSON.parse(lines[i] as string), payload: JSON.parse(lines[i + 1] as string) });
    }
    return { header: JSON.parse(lines[0] ?? '{}'), items };
  } catch {
    return undefined;
  }
}

/** Where and how long {@link readEnvelopes} listens. */
export interface ReadOptions {
  /** Spotlight's base URL. Default {@link SPOTLIGHT_URL}. */
  url?: string;
  /** Default 15 000 ms. */
  timeoutMs?: number;
}

/**
 * Reads envelopes from Spotlight's stream (its buffer first, then live ones), handing each to `visit`,
 * until `visit` returns true (resolves true) or the time is up (resolves false).
 */
export async function readEnvelopes(
  visit: (envelope: Envelope) => boolean,
  options: ReadOptions = {},
): Promise<boolean> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 15_000);
  try {
    const res = await fetch(`${options.url ?? SPOTLIGHT_URL}/stream`, {
      headers: { accept: 'text/event-stream' },
      signal: controller.signal,
    });
    if (!res.ok || !res.body) throw new Error(`Spotlight /stream answered ${res.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = message
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).replace(/^ /, ''))
          .join('\n');
        const envelope = data ? parseEnvelope(data) : undefined;
        if (envelope && visit(envelope)) return true;
      }
    }
    throw new Error('Spotlight closed the stream');
  } catch (error) {
    if (controller.signal.aborted) return false;
    throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/** Waits for an envelope that `match` accepts; throws after `timeoutMs`. */
export async function waitForEnvelope(match: (envelope: Envelope) => boolean, timeoutMs = 15_000): Promise<Envelope> {
  let found: Envelope | undefined;
  await readEnvelopes(
    (envelope) => {
      if (match(envelope)) found = envelope;
      return found !== undefined;
    },
    { timeoutMs },
  );
  if (!found) throw new Error(`no matching Sentry envelope reached Spotlight within ${timeoutMs} ms`);
  return found;
}

/** The first `event` item's payload, if any. */
export function eventOf(envelope: Envelope): Record<string, unknown> | undefined {
  return envelope.items.find((i) => i.header.type === 'event')?.payload;
}
