/**
 * W3C Baggage, parsed leniently per member (an invalid member is skipped, the rest kept) and bounded
 * (64 members, 8192 bytes), as the Baggage Recommendation's limits ask.
 *
 * @module
 */
import type { HeaderValue } from './traceparent';

const MAX_MEMBERS = 64;
const MAX_BYTES = 8192;
const TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const VALUE_RE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e%]*$/;

/** One baggage entry; `metadata` keeps the raw `;property` suffix. */
export interface BaggageMember {
  value: string;
  metadata?: string;
}

function decode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** Parses `baggage` header(s) into entries; malformed members are skipped, never thrown. */
export function parseBaggage(header: HeaderValue): Map<string, BaggageMember> {
  const entries = new Map<string, BaggageMember>();
  if (header === null || header === undefined) return entries;
  const joined = typeof header === 'string' ? header : header.join(',');
  if (joined.length > MAX_BYTES * 2) return entries;
  for (const raw of joined.split(',')) {
    if (entries.size >= MAX_MEMBERS) break;
    const [pair = '', ...properties] = raw.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const key = pair.slice(0, eq).trim();
    const encoded = pair.slice(eq + 1).trim();
    if (!TOKEN_RE.test(key) || !VALUE_RE.test(encoded)) continue;
    const value = decode(encoded);
    if (value === undefined) continue;
    const metadata = properties.map((p) => p.trim()).join(';');
    entries.set(key, metadata ? { value, metadata } : { value });
  }
  return entries;
}

/** Formats entries as a `baggage` header, dropping members that would pass the 8192-byte limit. */
export function formatBaggage(entries: Iterable<readonly [string, BaggageMember]>): string {
  const parts: string[] = [];
  let length = 0;
  for (const [key, member] of entries) {
    if (!TOKEN_RE.test(key) || parts.length >= MAX_MEMBERS) continue;
    const part = `${key}=${encodeURIComponent(member.value)}${member.metadata ? `;${member.metadata}` : ''}`;
    if (length + part.length + (parts.length > 0 ? 1 : 0) > MAX_BYTES) continue;
    length += part.length + (parts.length > 0 ? 1 : 0);
    parts.push(part);
  }
  return parts.join(',');
}
