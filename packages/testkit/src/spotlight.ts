/**
 * Reads Sentry envelopes back from Spotlight's `GET /stream` (server-sent events; it replays its
 * buffer to every new subscriber, so an envelope sent before subscribing is still seen).
 */
import { SPOTLIGHT_URL } from './stack';

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

/** Waits for an envelope that `match` accepts; throws after `timeoutMs`. */
export async function waitForEnvelope(match: (envelope: Envelope) => boolean, timeoutMs = 15_000): Promise<Envelope> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await fetch(`${SPOTLIGHT_URL}/stream`, {
      headers: { accept: 'text/event-stream' },
      signal: controller.signal,
    });
    if (!res.ok || !res.body) throw new Error(`Spotlight /stream answered ${res.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = message
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).replace(/^ /, ''))
          .join('\n');
        const envelope = data ? parseEnvelope(data) : undefined;
        if (envelope && match(envelope)) return envelope;
        end = buffer.indexOf('\n\n');
      }
    }
    throw new Error('Spotlight closed the stream');
  } catch (error) {
    if (controller.signal.aborted)
      throw new Error(`no matching Sentry envelope reached Spotlight within ${timeoutMs} ms`);
    throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/** The first `event` item's payload, if any. */
export function eventOf(envelope: Envelope): Record<string, unknown> | undefined {
  return envelope.items.find((i) => i.header.type === 'event')?.payload;
}
