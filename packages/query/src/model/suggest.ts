/**
 * "Did you mean …": the known name nearest to a mistyped one, by edit distance (case-insensitive),
 * so `colo2` suggests `colo` and `http.rout` suggests `http.route`.
 *
 * @module
 */

/** Levenshtein distance with transpositions counted as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev2: number[] = [];
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const row = [i];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, prev2[j - 2]! + 1);
      row.push(best);
    }
    prev2 = prev;
    prev = row;
  }
  return prev[n]!;
}

/**
 * The nearest of `known` to `name`, or `undefined` when nothing is close (more than a third of the
 * name's letters would change). A name that is a suffix of a known one (`route` → `http.route`) counts
 * as close.
 */
export function nearest(name: string, known: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const c = candidate.toLowerCase();
    const score = c.endsWith(`.${lower}`) ? 0.5 : editDistance(lower, c);
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return bestScore <= Math.max(1, Math.ceil(name.length / 3)) ? best : undefined;
}

/** `; did you mean "x"?` or nothing. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const guess = nearest(name, known);
  return guess === undefined ? '' : `; did you mean "${guess}"?`;
}
