/**
 * The plain-text summary table of `jesd sweep`: one row per (width, depth), one block of columns
 * per weight law, so laws (e.g. Gaussian and Cauchy) sit side by side.
 */
import type { SweepSummaryRow } from './records.ts';

const lawLabel = (r: Pick<SweepSummaryRow, 'weights' | 'alpha' | 'sigmaW'>) =>
  `${r.weights}${r.alpha !== null ? `(alpha=${r.alpha})` : ''} sigma_w=${r.sigmaW}`;

const num = (x: number, digits: number) => x.toFixed(digits);
const q = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

const BLOCK_COLUMNS = ['mean Q', '+- s.e.', 'q10/q50/q90', 'P(Q>1)', 'fixed', 'cycle', 'unset'] as const;
const BLOCK_WIDTHS = [7, 7, 12, 6, 5, 5, 5] as const;

/** Columns added in front of each block when the run counted by a protocol besides stable. */
const COUNT_COLUMNS = ['count', '+- s.e.'] as const;
const COUNT_WIDTHS = [7, 7] as const;

function block(r: SweepSummaryRow | undefined, withCount: boolean): string[] {
  if (!r) return [...(withCount ? COUNT_WIDTHS : []), ...BLOCK_WIDTHS].map(() => '-');
  const count = !withCount ? [] : r.meanCount === undefined ? ['-', '-'] : [num(r.meanCount, 3), r.stderrCount == null ? 'n/a' : num(r.stderrCount, 3)];
  return [
    ...count,
    num(r.meanQ, 3),
    r.stderrQ === null ? 'n/a' : num(r.stderrQ, 3),
    `${q(r.quantilesQ['0.1'])}/${q(r.quantilesQ['0.5'])}/${q(r.quantilesQ['0.9'])}`,
    num(r.pQAbove1, 3),
    num(r.shareFixed, 2),
    num(r.shareCycles, 2),
    num(r.shareUnsettled, 2),
  ];
}

/** Format the summary; `lawOrder` (labels as produced by the config order) fixes the column order. */
export function formatSweepTable(rows: readonly SweepSummaryRow[], opts: { lawOrder?: { weights: string; alpha: number | null; sigmaW: number }[] } = {}): string {
  if (rows.length === 0) return '(no results)\n';
  const laws: string[] = [];
  const pushLaw = (l: string) => { if (!laws.includes(l)) laws.push(l); };
  for (const l of opts.lawOrder ?? []) pushLaw(lawLabel(l as SweepSummaryRow));
  for (const r of rows) pushLaw(lawLabel(r));
  const points: [number, number][] = [];
  for (const r of rows) if (!points.some(([w, d]) => w === r.width && d === r.depth)) points.push([r.width, r.depth]);
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const first = rows[0]!;
  const lines: string[] = [];
  const protocol = rows.find((r) => r.protocol !== undefined)?.protocol;
  const withCount = protocol !== undefined;
  const columns = [...(withCount ? COUNT_COLUMNS : []), ...BLOCK_COLUMNS];
  const widths = [...(withCount ? COUNT_WIDTHS : []), ...BLOCK_WIDTHS];
  lines.push(
    `# Q = number of stable fixed points per network; phi=${first.activation}, ${first.scaling} scaling, ` +
      `bias ${first.bias}${first.sigmaB !== null ? ` x ${first.sigmaB}` : ''}, seed ${first.seed}, ${first.starts} starts per network`,
  );
  lines.push('# shares: fraction of starts ending at a stable fixed point / on a cycle / unsettled (mean over networks)');
  if (withCount) lines.push(`# count: mean number per network by the counting protocol --count ${protocol} (docs/counting.md)`);
  const blockWidth = widths.reduce((s, w) => s + w + 1, 0) - 1;
  const pad = (s: string, w: number) => s.padStart(w);
  const lead = `${pad('N', 6)} ${pad('L', 5)} ${pad('nets', 5)}`;
  lines.push(' '.repeat(lead.length) + laws.map((l) => ' | ' + l.slice(0, blockWidth).padEnd(blockWidth)).join(''));
  lines.push(lead + laws.map(() => ' | ' + columns.map((c, i) => pad(c, widths[i]!)).join(' ')).join(''));
  for (const [w, d] of points) {
    const here = rows.filter((r) => r.width === w && r.depth === d);
    const nets = [...new Set(here.map((r) => r.networks))].join('/');
    const cells = laws.map((l) => ' | ' + block(here.find((r) => lawLabel(r) === l), withCount).map((c, i) => pad(c, widths[i]!)).join(' '));
    lines.push(`${pad(String(w), 6)} ${pad(String(d), 5)} ${pad(nets, 5)}${cells.join('')}`);
  }
  return lines.join('\n') + '\n';
}
