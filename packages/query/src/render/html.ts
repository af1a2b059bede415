/**
 * `--html <file>`: one self-contained page — inline CSS and SVG, no script, no external resource —
 * with the heatmap, the group table and the compare bars of a command, so it can be mailed, attached
 * to a ticket or opened offline.
 *
 * @module
 */
import type { Heatmap } from '../analysis/heatmap.ts';
import { formatDuration } from '../format.ts';
import { shade } from './heatmap.ts';

/** A compare section: per field, values with their share in the selection and the baseline. */
export interface HtmlCompareField {
  field: string;
  values: { value: string; selection: number; baseline: number }[];
}

/** What a page shows; every part is optional. */
export interface HtmlReport {
  title: string;
  lines: string[];
  heatmap?: Heatmap;
  table?: { header: string[]; rows: string[][] };
  compare?: HtmlCompareField[];
}

const esc = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const COLORS = ['#f4f4f5', '#c7d2fe', '#818cf8', '#4f46e5', '#312e81'];

function heatmapSvg(map: Heatmap): string {
  const cell = 10;
  const left = 70;
  const rows = map.rowsMs.length;
  const width = left + map.columns * cell + 10;
  const height = rows * cell + 40;
  const rects: string[] = [];
  for (let r = 0; r < rows; r++) {
    const y = (rows - 1 - r) * cell;
    for (let c = 0; c < map.columns; c++) {
      const v = map.cells[r]![c]!;
      if (v <= 0) continue;
      const from = new Date(Math.floor((map.window.fromUs + c * map.stepUs) / 1000)).toISOString().slice(11, 19);
      rects.push(
        `<rect class="cell" x="${left + c * cell}" y="${y}" width="${cell}" height="${cell}" fill="${COLORS[shade(v, map.max)]}"><title>${esc(`${from} UTC · ≥ ${formatDuration(map.rowsMs[r]! * 1000)} · ${Math.round(v * 10) / 10} events`)}</title></rect>`,
      );
    }
  }
  const labels = map.rowsMs
    .map((ms, r) =>
      r % 2 === 0
        ? `<text x="${left - 6}" y="${(rows - 1 - r) * cell + cell - 1}" text-anchor="end">${esc(formatDuration(ms * 1000))}</text>`
        : '',
    )
    .join('');
  const clock = (us: number) => new Date(Math.floor(us / 1000)).toISOString().slice(11, 19);
  const axis = `<text x="${left}" y="${rows * cell + 16}">${clock(map.window.fromUs)}</text><text x="${left + map.columns * cell}" y="${rows * cell + 16}" text-anchor="end">${clock(map.window.toUs)} UTC</text>`;
  return `<svg class="heatmap" role="img" aria-label="duration by time heatmap" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${rects.join('')}${labels}${axis}</svg>`;
}

function tableHtml(table: NonNullable<HtmlReport['table']>): string {
  const head = table.header.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = table.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table class="groups"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function compareHtml(fields: HtmlCompareField[]): string {
  return fields
    .map((f) => {
      const rows = f.values
        .map(
          (v) =>
            `<div class="pair"><span class="value">${esc(v.value)}</span><span class="bars"><span class="bar selection" style="width:${(v.selection * 100).toFixed(1)}%"></span><span class="bar baseline" style="width:${(v.baseline * 100).toFixed(1)}%"></span></span><span class="shares">${(v.selection * 100).toFixed(1)} % vs ${(v.baseline * 100).toFixed(1)} %</span></div>`,
        )
        .join('\n');
      return `<section class="field"><h3>${esc(f.field)}</h3>\n${rows}\n</section>`;
    })
    .join('\n');
}

/** The page. */
export function htmlPage(report: HtmlReport): string {
  const parts = [
    `<h1>${esc(report.title)}</h1>`,
    ...report.lines.map((l) => `<p class="meta">${esc(l)}</p>`),
    report.heatmap && report.heatmap.total > 0 ? `<h2>Duration × time</h2>\n${heatmapSvg(report.heatmap)}` : '',
    report.table ? `<h2>Groups</h2>\n${tableHtml(report.table)}` : '',
    report.compare
      ? `<h2>Selection vs baseline</h2>\n<p class="legend"><span class="bar selection"></span> selection <span class="bar baseline"></span> baseline</p>\n${compareHtml(report.compare)}`
      : '',
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(report.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#18181b}
h1{font-size:1.3rem}h2{font-size:1.1rem;margin-top:2rem}h3{font-size:1rem;margin:1rem 0 .3rem}
.meta{color:#52525b;margin:.2rem 0}
svg text{font:11px ui-monospace,monospace;fill:#52525b}
table{border-collapse:collapse}th,td{padding:.25rem .75rem;border-bottom:1px solid #e4e4e7;text-align:right;font-variant-numeric:tabular-nums}
th:first-child,td:first-child{text-align:left}
.pair{display:flex;align-items:center;gap:.75rem;margin:.15rem 0}.value{width:14rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.bars{display:flex;flex-direction:column;width:20rem;gap:2px}.bar{display:inline-block;height:8px;min-width:1px}
.selection{background:#e11d48}.baseline{background:#a1a1aa}.legend .bar{width:2rem}.shares{color:#52525b;font-variant-numeric:tabular-nums}
</style></head>
<body>
${parts.filter(Boolean).join('\n')}
</body></html>
`;
}
