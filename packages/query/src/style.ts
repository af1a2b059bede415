/**
 * Terminal colours, off when asked (`--no-color`, `NO_COLOR`) or when output is not a terminal. Colour
 * never carries meaning alone: every coloured mark also has a symbol, so captures and tests read the
 * same without it.
 *
 * @module
 */

/** Functions that wrap text in ANSI colours, or return it unchanged when colour is off. */
export interface Style {
  enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  /** A stable colour per service, by its index in the trace. */
  service(text: string, index: number): string;
}

const SERVICE_COLORS = [36, 35, 33, 34, 32, 96, 95, 93, 94, 92];

/** A {@link Style}; `enabled` false gives plain text. */
export function createStyle(enabled: boolean): Style {
  const wrap = (code: number | string) => (text: string) => (enabled ? `\x1b[${code}m${text}\x1b[0m` : text);
  const services = SERVICE_COLORS.map(wrap);
  return {
    enabled,
    bold: wrap(1),
    dim: wrap(2),
    red: wrap(31),
    green: wrap(32),
    yellow: wrap(33),
    cyan: wrap(36),
    service: (text, index) => services[index % services.length]!(text),
  };
}

/** Removes ANSI escapes (for width computations). */
export function stripAnsi(text: string): string {
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}
