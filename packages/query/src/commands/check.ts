/**
 * `wideline check <rules file>`: evaluates alert rules once and exits by the most urgent firing rule
 * (P0 → 12, P1 → 11, P2 → 10; 0 when none fires) — for cron, CI or a scheduled Worker.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { evaluateRule, exitCodeOf, type RuleResult } from '../analysis/check.ts';
import { parseRules } from '../analysis/rules.ts';
import { UsageError } from '../errors.ts';
import { htmlPage } from '../render/html.ts';
import { formatAggregate } from '../render/values.ts';
import type { Style } from '../style.ts';
import { type CommandContext, heading, printCsv, printJson, writeHtml } from './output.ts';
import { openSource, sourceArgs } from './source.ts';

/** `wideline check <rules.yaml> [source options]` */
export async function checkCommand(
  values: Record<string, unknown>,
  positionals: string[],
  ctx: CommandContext,
): Promise<number> {
  if (positionals.length !== 1) throw new UsageError('wideline check takes one rules file: wideline check rules.yaml');
  const file = positionals[0]!;
  const text = await readFile(file, 'utf8').catch(() => {
    throw new UsageError(`rules file "${file}" cannot be read (does it exist?)`);
  });
  const rules = parseRules(text, file);
  const source = sourceArgs(values, ctx.env);
  const lookback = Math.max(...rules.map((r) => r.forUs));
  const opened = await openSource(source, ctx.options, lookback);
  try {
    const results: RuleResult[] = [];
    for (const rule of rules) results.push(await evaluateRule(opened.engine, rule, opened.nowUs));
    const code = exitCodeOf(results);
    if (ctx.options.csv)
      printCsv(
        ctx,
        ['rule', 'severity', 'state', 'group', 'values'],
        results.flatMap((r) =>
          r.groups.map((g) => [
            r.rule.name,
            r.rule.severity,
            g.state,
            g.key.join('/'),
            g.values.map((v) => v ?? '').join(' '),
          ]),
        ),
      );
    else if (ctx.options.json)
      printJson(ctx, {
        source: opened.origin,
        notes: opened.notes,
        exitCode: code,
        rules: results.map((r) => ({
          name: r.rule.name,
          severity: r.rule.severity,
          when: r.rule.when,
          where: r.rule.where?.text ?? null,
          forSeconds: r.rule.forUs / 1e6,
          everySeconds: r.rule.everyUs / 1e6,
          from: r.from,
          to: r.to,
          state: r.state,
          groups: r.groups,
        })),
      });
    else
      ctx.out([
        ...heading(`${rules.length} rule${rules.length === 1 ? '' : 's'} from ${file}`, opened, true, ctx.style),
        '',
        ...render(results, ctx.style),
        '',
        `exit ${code}`,
      ]);
    await writeHtml(ctx, () =>
      htmlPage({
        title: `alert rules from ${file}`,
        lines: [opened.origin, ...opened.notes],
        table: {
          header: ['rule', 'severity', 'state', 'group', 'latest'],
          rows: results.flatMap((r) =>
            r.groups.map((g) => [r.rule.name, r.rule.severity, g.state, g.key.join(' / ') || '—', latest(r, g.values)]),
          ),
        },
      }),
    );
    return code;
  } finally {
    await opened.engine.close();
  }
}

function latest(r: RuleResult, values: (number | null)[]): string {
  const v = values[values.length - 1];
  return v === null || v === undefined ? '—' : formatAggregate(r.rule.metric, v);
}

const MARK: Record<string, string> = {
  firing: '✗ FIRING ',
  pending: '… pending',
  ok: '✓ ok     ',
  'no data': '· no data',
};

function render(results: RuleResult[], style: Style): string[] {
  const lines: string[] = [];
  for (const r of results) {
    const cond = `${r.rule.when} for ${r.rule.forUs / 60e6 >= 1 ? `${+(r.rule.forUs / 60e6).toFixed(2)}m` : `${r.rule.forUs / 1e6}s`}`;
    const head = `${MARK[r.state]}  ${r.rule.severity}  ${r.rule.name}: ${cond}${r.rule.where ? ` where ${r.rule.where.text}` : ''}`;
    lines.push(r.state === 'firing' ? style.red(head) : r.state === 'pending' ? style.yellow(head) : head);
    for (const g of r.groups) {
      const values = g.values.map((v) => (v === null ? '—' : formatAggregate(r.rule.metric, v))).join('  ');
      const label = g.key.length > 0 ? `${g.key.join(' / ')}: ${g.state}, ` : '';
      lines.push(style.dim(`    ${label}per ${r.rule.everyUs / 1e6}s, oldest first: ${values}`));
    }
  }
  return lines;
}
