/**
 * Claims C2-C4 (heavy tails): with Cauchy weights several stable fixed points emerge (C2), Q(N0, L)
 * is non-monotone in depth (C3), and the Q curve predicted from the ESD of the Jacobian peaks where
 * the Monte Carlo one does (C4). Q(N0, L) over depth (heavy.jsonl, a resumable sweep), the predicted
 * Q curve (theory units `q|N|L`, src/predict/), their table, figure and verdicts.
 */
import type { SweepRecord } from '../../montecarlo/records.ts';
import { linePlot, PALETTE, type Series } from '../../plot/svg.ts';
import type { Availability, PredictedQCurve, PredictedQPoint } from '../theory.ts';
import { emergenceVerdict, nonMonotoneVerdict } from '../verdicts.ts';
import { mdTable, r3, theoryWeight, writeFigure, type ClaimContext, type ClaimSection } from './section.ts';
import { qRows, runSweepSection, sweepConfig, sweepWork } from './sweep.ts';

export interface HeavyResult {
  records: SweepRecord[];
}

const FILE = 'heavy.jsonl';
const FIGURE = 'fig-heavy-q';
const qKey = (width: number, depth: number) => `q|${width}|${depth}`;

/** The predicted Q curve per heavy width from the theory records (or why it is missing). */
export function predictedCurves(ctx: ClaimContext): Availability<PredictedQCurve>[] {
  const { scale } = ctx;
  return scale.heavy.widths.map((w) => {
    const pts = scale.heavy.depths.map((d) => ctx.theory(qKey(w, d)) as Availability<PredictedQPoint> | undefined);
    const failed = pts.find((r) => !r || !r.ok);
    if (failed) return { ok: false, reason: failed.ok === false ? failed.reason : 'missing theory record' };
    const vals = pts.map((r) => (r as { ok: true; value: PredictedQPoint }).value);
    const worst = Math.max(...vals.map((v) => v.maxResidual));
    return {
      ok: true,
      value: {
        width: w, depths: [...scale.heavy.depths], predictedQ: vals.map((v) => v.predictedQ),
        method: `Q_pred = 1 + N0 p_{>1}(N0, L), p_{>1} the predicted fraction of eigenvalues of J J^T above 1 from the heavy-tailed population dynamics (src/predict/qPrediction.ts; theory/06-fixed-points.md (6.4)-(6.6), a hypothesis of this project), population ${scale.theory.populationSize}, ${scale.theory.sweeps} sweeps, largest relative residual ${worst.toExponential(2)}`,
      },
    };
  });
}

/** Index of the largest predicted Q (first on ties). */
function theoryPeak(c: PredictedQCurve): number {
  let k = 0;
  c.predictedQ.forEach((q, i) => { if (q > c.predictedQ[k]!) k = i; });
  return k;
}

export const heavySection: ClaimSection<HeavyResult> = {
  id: 'heavy',
  runFiles: [FILE, `${FILE}.meta.json`],
  progressLabel: 'heavy tails: Q(N0, L)',
  timingLabel: 'heavy tails (sweep)',
  work: (scale) => sweepWork(scale.heavy) + scale.heavy.widths.length * scale.heavy.depths.reduce((acc, d) => acc + theoryWeight(scale, d), 0),
  async run(ctx) {
    const r = await runSweepSection(ctx, sweepConfig(ctx.scale.heavy, ctx.bases.cauchy, ctx.scale), FILE);
    return { result: { records: r.records }, files: [FILE] };
  },
  theoryUnits(ctx) {
    const { scale } = ctx;
    const budget = { ...scale.theory };
    return scale.heavy.widths.flatMap((w) => scale.heavy.depths.map((d) => ({
      unit: { key: qKey(w, d), kind: 'q' as const, spec: { ...ctx.bases.cauchy, N: w, L: d }, budget },
      weight: theoryWeight(scale, d),
    })));
  },
  report(ctx, { records }) {
    const { scale, out } = ctx;
    const rows = qRows(records);
    const theory = predictedCurves(ctx);
    const curves = theory.filter((c): c is { ok: true; value: PredictedQCurve } => c.ok).map((c) => c.value);
    const qReasons = theory.filter((c): c is { ok: false; reason: string } => !c.ok).map((c) => c.reason);
    const nonMono = nonMonotoneVerdict(rows);
    // C4 judges the Kac-Rice prediction (./kacRiceQ.ts); the spectral link (curves) stays here as the old route.
    const verdicts = [emergenceVerdict(rows), nonMono];

    // Figure: MC mean with error bars, theory curve, P(Q > 1), P(Q = 0).
    const files: string[] = [];
    const series: Series[] = [];
    scale.heavy.widths.forEach((w, k) => {
      const rs = rows.filter((r) => r.width === w);
      series.push({ name: `Monte Carlo mean Q, N = ${w}`, x: rs.map((r) => r.depth), y: rs.map((r) => r.meanQ), yErr: rs.map((r) => r.stderrQ ?? 0), mode: 'both', color: PALETTE[k % PALETTE.length] });
      const c = curves.find((cv) => cv.width === w);
      if (c) series.push({ name: `spectral link 1 + N0 p>1 (old route), N = ${w}`, x: c.depths, y: c.predictedQ, dashed: true, color: PALETTE[k % PALETTE.length] });
      series.push({ name: `P(Q > 1), N = ${w}`, x: rs.map((r) => r.depth), y: rs.map((r) => r.pQAbove1), mode: 'scatter', marker: 'triangle', color: PALETTE[(k + 1) % PALETTE.length] });
      series.push({ name: `P(Q = 0), N = ${w}`, x: rs.map((r) => r.depth), y: rs.map((r) => r.pQEquals0 ?? 0), mode: 'scatter', marker: 'square', color: PALETTE[(k + 2) % PALETTE.length] });
    });
    const peaks = nonMono.peaks;
    const peakText = peaks.map((p) => {
      const c = curves.find((cv) => cv.width === p.width);
      const tp = c ? `, spectral-link peak at L=${c.depths[theoryPeak(c)]}` : '';
      return `N=${p.width}: Monte Carlo peak at L=${p.peakDepth}${tp}`;
    }).join('; ');
    writeFigure(out, FIGURE, linePlot(series, {
      title: 'Heavy tails (Cauchy weights): Q(N0, L) over depth', xLabel: 'depth L', yLabel: 'mean Q (and shares of networks)',
      xLog: true, yDomain: [0, Math.max(1.5, ...rows.map((r) => r.meanQ + (r.stderrQ ?? 0)), ...curves.flatMap((c) => c.predictedQ)) * 1.08],
      referenceLines: [
        { y: 1, label: 'Q = 1' },
        ...peaks.map((p) => ({ x: p.peakDepth, label: `MC peak L=${p.peakDepth}` })),
        ...curves.map((c) => {
          const k = theoryPeak(c);
          return { x: c.depths[k]!, label: `link peak L=${c.depths[k]}`, color: '#b03a2e', labelAtTop: true };
        }),
      ],
      caption: `Circles: Monte Carlo mean of Q over ${scale.heavy.networks} networks per depth (${scale.heavy.starts} starts each), error bars 1 standard error; triangles and squares: the shares of networks with Q > 1 and with Q = 0 (no stable fixed point), on the same axis; ${peakText}. ${curves.length > 0 ? 'Dashed: the spectral link 1 + N0 p>1 (old route; C4 judges the Kac-Rice prediction).' : 'No theory curve: the Q predictor was not available (see report.md).'}`,
    }), files);

    // Table and peak depths.
    const theoryAt = (w: number, d: number) => {
      const c = curves.find((cv) => cv.width === w);
      if (!c) return 'not run';
      const i = c.depths.indexOf(d);
      return i < 0 ? 'n/a' : r3(c.predictedQ[i]!);
    };
    const md: string[] = [
      `![heavy tails](${FIGURE}.svg)`,
      '',
      mdTable(['N', 'L', 'networks', 'mean Q', 'stderr', 'P(Q > 1)', 'P(Q = 0)', 'max Q', 'spectral link Q (old route)'],
        rows.map((r) => [r.width, r.depth, r.networks, r3(r.meanQ), r.stderrQ === null ? 'n/a' : r3(r.stderrQ), r3(r.pQAbove1), r3(r.pQEquals0 ?? 0), r.maxQ, theoryAt(r.width, r.depth)])),
      '',
      'P(Q = 0): share of networks with no stable fixed point (every start ended on a periodic cycle or did not settle); such networks pull the mean below 1.',
      '',
    ];
    for (const w of scale.heavy.widths) {
      const rs = rows.filter((r) => r.width === w);
      let pk = rs[0]!;
      for (const r of rs) if (r.meanQ > pk.meanQ) pk = r;
      const c = curves.find((cv) => cv.width === w);
      let tp = '';
      if (c) {
        const k = theoryPeak(c);
        tp = `; spectral-link peak (old route) at L = ${c.depths[k]} (Q = ${r3(c.predictedQ[k]!)})`;
      }
      md.push(`- Peak depth, N = ${w}: Monte Carlo peak at L = ${pk.depth} (mean Q = ${r3(pk.meanQ)})${tp}.`);
    }
    if (curves.length > 0) md.push(`- Spectral link (old route; C4 judges the Kac-Rice prediction, in its own section): ${curves[0]!.method}.`);
    else md.push(`- Theory curve: not run (${qReasons[0] ?? 'no predictor'}).`);

    return {
      verdicts,
      whatWasRun: [`Heavy tails: widths ${scale.heavy.widths.join(', ')}; depths ${scale.heavy.depths.join(', ')}; ${scale.heavy.networks} networks per point; ${scale.heavy.starts} starts per network.`],
      heading: 'Heavy tails: Q(N0, L) over depth',
      markdown: md,
      summary: { heavy: rows, theoryQ: curves },
      files,
    };
  },
};
