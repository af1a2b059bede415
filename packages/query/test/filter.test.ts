import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.ts';
import { parseAggregates } from '../src/model/aggregate.ts';
import { type Field, FieldCatalog } from '../src/model/fields.ts';
import { parseFilter, parseWhereFilter } from '../src/model/filter.ts';
import { QuerySyntaxError } from '../src/model/syntax-error.ts';
import { filterSql } from '../src/sql/filter-sql.ts';
import { checkReadOnlySql } from '../src/sql/guard.ts';

const field = (name: string, type: Field['type']): Field => ({ name, type, sql: `\`${name}\``, origin: 'attribute' });
const catalog = new FieldCatalog([
  field('service', 'string'),
  field('status', 'string'),
  field('duration_ms', 'number'),
  field('colo', 'string'),
  field('http.route', 'string'),
  field('hashMismatchCount', 'number'),
  field('cache.hit', 'bool'),
  field('user.tier', 'string'),
]);
const sql = (text: string) => filterSql(parseWhereFilter(text), catalog, { context: '--where', text });

describe('the filter language', () => {
  it.each([
    [
      "hashMismatchCount > 0 and colo = 'ewr'",
      "(ifNull(`hashMismatchCount` > 0, false) AND ifNull(`colo` = 'ewr', false))",
    ],
    [
      'colo = ewr or colo = lhr and cache.hit = true',
      "(ifNull(`colo` = 'ewr', false) OR (ifNull(`colo` = 'lhr', false) AND ifNull(`cache.hit` = true, false)))",
    ],
    [
      '(colo = ewr or colo = lhr) and not cache.hit = false',
      "((ifNull(`colo` = 'ewr', false) OR ifNull(`colo` = 'lhr', false)) AND (NOT ifNull(`cache.hit` = false, false)))",
    ],
    ['http.route in (\'/a\', "/b")', "ifNull(`http.route` IN ('/a', '/b'), false)"],
    ['http.route not in (/a)', "(NOT ifNull(`http.route` IN ('/a'), false))"],
    ['duration > 2s', 'ifNull(`duration_ms` > 2000, false)'],
    ['duration_ms <= 250ms', 'ifNull(`duration_ms` <= 250, false)'],
    ['colo != ewr', "(NOT ifNull(`colo` = 'ewr', false))"],
    ["http.route ~ '^/api/'", "ifNull(match(`http.route`, '^/api/'), false)"],
    ['http.route !~ health', "(NOT ifNull(match(`http.route`, 'health'), false))"],
    ["http.route contains 'ord'", "ifNull(position(`http.route`, 'ord') > 0, false)"],
    ['http.route not contains ord', "(NOT ifNull(position(`http.route`, 'ord') > 0, false))"],
    ['exists user.tier', '(`user.tier` IS NOT NULL)'],
    ['user.tier not exists', '(`user.tier` IS NULL)'],
    [
      'NOT EXISTS user.tier AND status = error',
      "((NOT (`user.tier` IS NOT NULL)) AND ifNull(`status` = 'ERROR', false))",
    ],
    ["\"user.tier\" = 'it''s'", "ifNull(`user.tier` = 'it\\'s', false)"],
    ["hashMismatchCount = '3'", 'ifNull(`hashMismatchCount` = 3, false)'],
    ['colo = 500', "ifNull(`colo` = '500', false)"],
    ['duration == 5', 'ifNull(`duration_ms` = 5, false)'],
  ])('%s', (text, expected) => {
    expect(sql(text)).toBe(expected);
  });

  it('takes the old key=value form when the text is not otherwise valid', () => {
    expect(sql('http.route=POST /orders')).toBe("ifNull(`http.route` = 'POST /orders', false)");
    expect(sql('colo!=e w r')).toBe("(NOT ifNull(`colo` = 'e w r', false))");
  });

  it.each([
    ["colo2 = 'ewr'", 0, 5, /unknown field "colo2"; did you mean "colo"\?/],
    ['route = /a', 0, 5, /did you mean "http.route"\?/],
    ['hashMismatchCount > many', 20, 4, /hashMismatchCount is a number; "many" is not/],
    ['cache.hit = maybe', 12, 5, /cache.hit is true or false; "maybe" is neither/],
    ["colo = 'ewr", 7, 4, /unclosed '…'/],
    ['(colo = ewr', 0, 1, /missing "\)"/],
    ['colo = ewr and', 14, 1, /expected a field name, found the end/],
    ['colo ewr', 5, 3, /expected an operator .* after "colo", found "ewr"/],
    ['hashMismatchCount ~ 1', 0, 17, /~ needs a text field; hashMismatchCount is a number/],
    ['colo = ewr lhr', 11, 3, /expected "and", "or" or the end, found "lhr"/],
    ['', 0, 1, /empty filter/],
    ['colo = ewr ; drop', 11, 1, /unexpected character ";"/],
  ])('%j is an error at column %i', (text, position, length, message) => {
    let error: unknown;
    try {
      sql(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QuerySyntaxError);
    const e = error as QuerySyntaxError;
    expect(e.reason).toMatch(message);
    expect(e.position).toBe(position);
    expect(e.length).toBe(length);
    expect(e.exitCode).toBe(2);
    // The message shows the text with a caret under the offending part.
    expect(e.message.split('\n').slice(1)).toEqual([`  ${text}`, `  ${' '.repeat(position)}${'^'.repeat(length)}`]);
  });

  it('parses keywords in any case and keeps positions of fields', () => {
    const f = parseFilter('Colo = ewr AND NOT exists x');
    expect(f).toMatchObject({ kind: 'and', left: { kind: 'compare', field: { name: 'Colo', start: 0, end: 4 } } });
  });
});

describe('aggregates', () => {
  it('parses every aggregate, defaulting the field to duration_ms', () => {
    const list = parseAggregates(
      'count, events, errors, error_rate, rate, p50, p99.9, p95(hashMismatchCount), avg, sum(x), min(y), max, distinct(user.id), count_distinct("a b")',
    );
    expect(list.map((a) => a.label)).toEqual([
      'count',
      'events',
      'errors',
      'error_rate',
      'rate',
      'p50',
      'p99.9',
      'p95(hashMismatchCount)',
      'avg',
      'sum(x)',
      'min(y)',
      'max',
      'distinct(user.id)',
      'distinct(a b)',
    ]);
    expect(list[6]).toMatchObject({ fn: 'percentile', percentile: 99.9, field: { name: 'duration_ms' } });
  });

  it.each([
    ['p101', /percentile 101 is not in \(0, 100\]/],
    ['count(x)', /count takes no field/],
    ['distinct', /distinct needs a field/],
    ['eror_rate', /unknown aggregate "eror_rate"; did you mean "error_rate"\?/],
    ['count count', /expected "," between aggregates/],
    ['p99, p99', /p99 is listed twice/],
  ])('%s is refused', (text, message) => {
    expect(() => parseAggregates(text)).toThrow(message);
  });
});

describe('the wideline sql guard', () => {
  it.each([
    'SELECT 1',
    '  -- comment\nselect count() from events',
    'WITH x AS (SELECT 1) SELECT * FROM x',
    '(SELECT 1) UNION ALL (SELECT 2)',
    "SELECT 'a;b' AS `x;y`, format FROM events;",
    'SELECT 1; -- trailing comment',
  ])('accepts %j', (text) => {
    expect(() => checkReadOnlySql(text)).not.toThrow();
  });

  it.each([
    ['DROP TABLE spans', /only SELECT .* not DROP/],
    ['INSERT INTO spans SELECT * FROM spans', /not INSERT/],
    ['SELECT 1; DROP TABLE spans', /one statement at a time/],
    ["SELECT 1 INTO OUTFILE '/tmp/x'", /INTO OUTFILE is not allowed/],
    ['SELECT 1 FORMAT JSON', /a FORMAT clause is not allowed/],
    ['-- nothing', /empty query/],
    ['SET readonly = 0', /not SET/],
  ])('refuses %j', (text, message) => {
    expect(() => checkReadOnlySql(text)).toThrow(message);
    expect(() => checkReadOnlySql(text)).toThrow(UsageError);
  });
});

describe('several --where filters', () => {
  it('are all required, and errors point into the text they are shown as', async () => {
    const { querySpec } = await import('../src/model/query.ts');
    const spec = querySpec({ where: ['colo = ewr or colo = lhr', 'cache.hit = true'] });
    expect(spec.where!.text).toBe('(colo = ewr or colo = lhr) and (cache.hit = true)');
    expect(filterSql(spec.where!.filter, catalog, { context: '--where', text: spec.where!.text })).toBe(
      "((ifNull(`colo` = 'ewr', false) OR ifNull(`colo` = 'lhr', false)) AND ifNull(`cache.hit` = true, false))",
    );
    const bad = querySpec({ where: ['colo = ewr', 'tier = free'] });
    expect(() => filterSql(bad.where!.filter, catalog, { context: '--where', text: bad.where!.text })).toThrow(
      `--where: unknown field "tier"; did you mean "user.tier"? (at column 19)\n  (colo = ewr) and (tier = free)\n  ${' '.repeat(18)}^^^^`,
    );
  });
});
