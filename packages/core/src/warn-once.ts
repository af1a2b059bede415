/**
 * Telemetry trouble is reported once per kind (queue full, export failing), never per span, and a
 * throwing handler — user code — never breaks export.
 *
 * @module
 */

/** Receives a warning message. Default everywhere: `console.warn`. */
export type WarningHandler = (message: string) => void;

/**
 * A function that passes each `key`'s first message to `handler` and ignores the rest.
 *
 * @example
 * const warnOnce = createWarnOnce(options.onWarning);
 * warnOnce('queue-full', '[wideline] export queue full; dropping spans');
 */
export function createWarnOnce(handler: WarningHandler = (message) => console.warn(message)) {
  const warned = new Set<string>();
  return (key: string, message: string): void => {
    if (warned.has(key)) return;
    warned.add(key);
    try {
      handler(message);
    } catch {
      // Warning handlers are user code; they must not break export.
    }
  };
}
