/**
 * A parsed filter as a ClickHouse boolean expression, with each value checked against its field's
 * type: `colo = 'ewr'` on a text field, `duration > 2s` on a number (milliseconds), `cache.hit = true`
 * on a boolean. A value that cannot be of the field's type is an error at its position, not a query
 * that silently matches nothing. Each comparison is made total (a missing field gives false, or true
 * for the negative operators), so `not` behaves as people expect.
 *
 * @module
 */
import type { Field, FieldCatalog } from '../model/fields.ts';
import type { Filter, Literal } from '../model/filter.ts';
import { QuerySyntaxError } from '../model/syntax-error.ts';
import { num, str } from './quote.ts';

/** Where the filter text came from, for errors. */
export interface FilterSource {
  context: string;
  text: string;
}

const CANONICAL: Record<string, (v: string) => string> = {
  status: (v) => v.toUpperCase().replace(/^STATUS_CODE_/, ''),
  kind: (v) => v.toLowerCase().replace(/^span_kind_/, ''),
};

/** The literal as a SQL value of the field's type. */
export function literalSql(field: Field, lit: Literal, source: FilterSource): string {
  const fail = (reason: string): never => {
    throw new QuerySyntaxError(source.context, source.text, lit.start, lit.end - lit.start, reason);
  };
  switch (field.type) {
    case 'number': {
      if (lit.kind === 'number' || lit.kind === 'duration' || lit.kind === 'percent') return num(lit.value);
      const n = Number(lit.text);
      if (lit.text.trim() !== '' && Number.isFinite(n)) return num(n);
      return fail(`${field.name} is a number; "${lit.text}" is not`);
    }
    case 'bool': {
      const t = lit.text.toLowerCase();
      if (t === 'true' || t === '1') return 'true';
      if (t === 'false' || t === '0') return 'false';
      return fail(`${field.name} is true or false; "${lit.text}" is neither`);
    }
    case 'time': {
      if (lit.kind !== 'quoted' && lit.kind !== 'word')
        return fail(`${field.name} is a time: write e.g. '2026-11-28 10:00:00'`);
      if (Number.isNaN(Date.parse(lit.text.replace(' ', 'T'))))
        return fail(`"${lit.text}" is not a time: write e.g. '2026-11-28 10:00:00' (UTC)`);
      return `parseDateTime64BestEffort(${str(lit.text)}, 9, 'UTC')`;
    }
    default:
      return str(CANONICAL[field.name]?.(lit.text) ?? lit.text);
  }
}

/** Compiles `filter` against `catalog`. Unknown fields and ill-typed values throw {@link QuerySyntaxError}. */
export function filterSql(filter: Filter, catalog: FieldCatalog, source: FilterSource): string {
  const field = (ref: { name: string; start: number; end: number }) =>
    catalog.resolve(ref, source.context, source.text);
  switch (filter.kind) {
    case 'and':
    case 'or':
      return `(${filterSql(filter.left, catalog, source)} ${filter.kind.toUpperCase()} ${filterSql(filter.right, catalog, source)})`;
    case 'not':
      return `(NOT ${filterSql(filter.filter, catalog, source)})`;
    case 'exists': {
      const f = field(filter.field);
      return filter.negated ? `(${f.sql} IS NULL)` : `(${f.sql} IS NOT NULL)`;
    }
    case 'in': {
      const f = field(filter.field);
      const list = filter.values.map((v) => literalSql(f, v, source)).join(', ');
      return total(`${f.sql} IN (${list})`, filter.negated);
    }
    case 'contains': {
      const f = textField(field(filter.field), filter.field, source, 'contains');
      return total(`position(${f.sql}, ${str(filter.value.text)}) > 0`, filter.negated);
    }
    case 'compare': {
      const f = field(filter.field);
      if (filter.op === '~' || filter.op === '!~') {
        textField(f, filter.field, source, filter.op);
        return total(`match(${f.sql}, ${str(filter.value.text)})`, filter.op === '!~');
      }
      const value = literalSql(f, filter.value, source);
      if (filter.op === '!=') return total(`${f.sql} = ${value}`, true);
      return total(`${f.sql} ${filter.op} ${value}`, false);
    }
  }
}

/** `ifNull(cond, false)`, or its negation (true when the field is missing). */
function total(condition: string, negated: boolean): string {
  return negated ? `(NOT ifNull(${condition}, false))` : `ifNull(${condition}, false)`;
}

function textField(f: Field, ref: { start: number; end: number }, source: FilterSource, op: string): Field {
  if (f.type === 'string') return f;
  throw new QuerySyntaxError(
    source.context,
    source.text,
    ref.start,
    ref.end - ref.start,
    `${op} needs a text field; ${f.name} is a ${f.type}`,
  );
}
