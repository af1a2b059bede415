/**
 * Random ids from `Math.random` through a byte-to-hex table, for runtimes where `Buffer` (which the
 * SDK's Node build of `RandomIdGenerator` hex-encodes through) is a JavaScript polyfill, several times
 * slower per id: the Worker's generator draws from it. Not Node's default: there the SDK's native
 * `Buffer` hex encoding is cheaper (callgrind, 100 000 spans' ids: 1 989 instructions a span for the
 * SDK's generator, 3 235 for this table). Ids need to be unique, not secret: the SDK's generators use
 * `Math.random` too.
 *
 * @internal
 * @module
 */
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** `bytes` random bytes as lowercase hex, never all zero (W3C: an all-zero id is invalid). */
export function randomHex(bytes: number): string {
  let hex = '';
  let zero = true;
  for (let i = 0; i < bytes; i++) {
    const byte = (Math.random() * 256) >>> 0;
    if (byte !== 0) zero = false;
    hex += HEX[byte];
  }
  return zero ? `${hex.slice(0, -2)}01` : hex;
}
