/**
 * Claim C1 (light tails): with Gaussian weights every network has exactly one fixed point, and it
 * is stable, for every width and depth. Q(N, L) over a grid of N and L (light.jsonl, a resumable
 * sweep), its table, figure and verdict.
 */
import type { SweepRecord } from '../../montecarlo/records.ts';
import { linePlot, type Series } from '../../plot/svg.ts';
import { lightTailVerdict } from '../verdicts.ts';
import { mdTable, r3, writeFigure, type ClaimSection } from './section.ts';
import { qRows, runSweepSection, sweepConfig, sweepWork } from './sweep.ts';

export interface LightResult {
  records: SweepRecord[];
}

const FILE = 'light.jsonl';
const FIGURE = 'fig-light-q';

export const lightSection: ClaimSection<LightResult> = {
  id: 'light',
  runFiles: [FILE, `${FILE}.meta.json`],
  progressLabel: 'light tails: Q(N, L)',
  timingLabel: 'light tails (sweep)',
  work: (scale) => sweepWork(scale.light),
  async run(ctx) {
    const r = await runSweepSection(ctx, sweepConfig(ctx.scale.light, ctx.bases.gaussian, ctx.scale), FILE);
    return { result: { records: r.records }, files: [FILE] };
  },
  report(ctx, { records }) {
    const { scale, out } = ctx;
    const rows = qRows(records);
    const files: string[] = [];
    // Mean Q over depth, one series per width, drawn with a small horizontal offset (x 1.04 per
    // width) so equal values stay visible.
    const markers = ['circle', 'square', 'triangle'] as const;
    const series: Series[] = scale.light.widths.map((w, k) => {
      const rs = rows.filter((r) => r.width === w);
      const shift = Math.pow(1.04, k - (scale.light.widths.length - 1) / 2);
      return { name: `N = ${w}`, x: rs.map((r) => r.depth * shift), y: rs.map((r) => r.meanQ), yErr: rs.map((r) => r.stderrQ ?? 0), mode: 'both', marker: markers[k % 3] };
    });
    const maxQ = Math.max(2, ...rows.map((r) => r.maxQ));
    writeFigure(out, FIGURE, linePlot(series, {
      title: 'Light tails (Gaussian weights): mean Q(N, L)', xLabel: 'depth L', yLabel: 'mean number of stable fixed points Q',
      xLog: true, yDomain: [0, maxQ + 0.5], referenceLines: [{ y: 1, label: 'Q = 1' }],
      caption: `Monte Carlo mean of Q over ${scale.light.networks} networks per point (${scale.light.starts} starts each), error bars 1 standard error; widths slightly offset in L so that equal values stay visible. The study's claim: Q = 1 at every N and L.`,
    }), files);
    return {
      verdicts: [lightTailVerdict(rows)],
      whatWasRun: [`Light tails: widths ${scale.light.widths.join(', ')}; depths ${scale.light.depths.join(', ')}; ${scale.light.networks} networks per point; ${scale.light.starts} starts per network.`],
      heading: 'Light tails: Q(N, L) = 1',
      markdown: [
        `![light tails](${FIGURE}.svg)`,
        '',
        mdTable(['N', 'L', 'networks', 'mean Q', 'min Q', 'max Q', 'P(Q = 1)', 'P(Q > 1)'],
          rows.map((r) => [r.width, r.depth, r.networks, r3(r.meanQ), r.minQ, r.maxQ, r3(r.pQEquals1), r3(r.pQAbove1)])),
      ],
      summary: { light: rows },
      files,
    };
  },
};
