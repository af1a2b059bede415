/**
 * Redaction before export: attribute and header names on a deny list lose their values
 * (`redact-keys.ts`), and values that look like secrets are masked wherever they appear
 * (`redact-values.ts`). This module walks a span's attributes with both. Runs on every exported
 * span and wide-event log line, so nothing is copied unless something changed.
 *
 * @module
 */
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { createKeyClassifier, type KeyClassifier, type KeyKind } from './redact-keys';
import { createStringMasker, REDACTED, type RedactionPattern } from './redact-values';

/** Options for {@link createRedactor}. */
export interface RedactionOptions {
  /** Extra names to deny (same matching rule as `DEFAULT_DENIED_NAMES`) or full-key patterns. */
  deny?: ReadonlyArray<string | RegExp>;
  /** Keys never redacted by name, even when a deny rule matches. */
  allow?: readonly string[];
  /** Extra value patterns. */
  patterns?: readonly RedactionPattern[];
  /** Mask e-mail addresses in values. Default `false`. */
  emails?: boolean;
  /** Drop the built-in name list and patterns, keeping only what is given here. Default `false`. */
  replaceDefaults?: boolean;
}

const QUERY_PARAM_RE = /(^|[?&;])([^=&#;?]+)=([^&#;]*)/g;
const PARAM_PARTS_RE = /[?&;#]/;

/** Decides and applies redaction. Build one with {@link createRedactor} and reuse it. */
export interface Redactor {
  /** Whether a key's value is removed outright. */
  isDeniedKey(key: string): boolean;
  /** Masks secrets inside a string value. */
  redactString(value: string): string;
  /** Returns redacted attributes, or `undefined` when nothing needed redaction (no copy made). */
  redactAttributes(attributes: Attributes): Attributes | undefined;
}

/**
 * Denied query parameters of a URL value lose their values (`?token=…` → `?token=[REDACTED]`). The
 * replace runs only when a part between `&`, `#`, `;` and `?` starts with a denied name and `=`: every
 * name QUERY_PARAM_RE matches starts such a part, and most URLs have no denied parameter, while the
 * replace builds a new string and calls back for every parameter (~2 900 instructions for one URL,
 * bench/core/redaction.mjs).
 */
function queryRedactor(keys: KeyClassifier): (value: string) => string {
  const mayHoldDenied = (part: string) => {
    const eq = part.indexOf('=');
    return eq > 0 && keys.nameDenied(part.slice(0, eq));
  };
  return (value) =>
    value.includes('=') && value.split(PARAM_PARTS_RE).some(mayHoldDenied)
      ? value.replace(QUERY_PARAM_RE, (m, sep: string, name: string) =>
          keys.nameDenied(name) ? `${sep}${name}=${REDACTED}` : m,
        )
      : value;
}

/** One attribute value, masked; the same value (not a copy) when nothing changed. */
function valueRedactor(
  redactString: (value: string) => string,
  redactQuery: (value: string) => string,
): (kind: KeyKind, value: AttributeValue) => AttributeValue {
  return (kind, value) => {
    if (typeof value === 'string') {
      const masked = redactString(value);
      return kind === 'url' ? redactQuery(masked) : masked;
    }
    if (Array.isArray(value)) {
      const next = value.map((item: unknown) => (typeof item === 'string' ? redactString(item) : item));
      return next.some((item, index) => item !== value[index]) ? (next as AttributeValue) : value;
    }
    return value;
  };
}

/**
 * Builds a {@link Redactor}.
 *
 * @example
 * const redactor = createRedactor({ deny: ['customer_ssn'], emails: true });
 * redactor.redactAttributes({ 'http.request.header.authorization': 'Bearer abc' });
 * // { 'http.request.header.authorization': '[REDACTED]' }
 */
export function createRedactor(options: RedactionOptions = {}): Redactor {
  const keys = createKeyClassifier(options);
  const redactString = createStringMasker(options);
  const redactValue = valueRedactor(redactString, queryRedactor(keys));

  const redactAttributes = (attributes: Attributes): Attributes | undefined => {
    let copy: Attributes | undefined;
    for (const key in attributes) {
      const value = attributes[key];
      if (value === undefined) continue;
      const kind = keys.kindOfKey(key);
      const next = kind === 'denied' ? REDACTED : redactValue(kind, value);
      if (next !== value) {
        copy ??= { ...attributes };
        copy[key] = next;
      }
    }
    return copy;
  };

  return { isDeniedKey: (key) => keys.kindOfKey(key) === 'denied', redactString, redactAttributes };
}
