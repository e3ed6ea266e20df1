/**
 * Project check P1: the predicted ESD of J J^T (the free-probability equation for light tails, the
 * population dynamics for heavy tails) matches the sampled ESD at the stable fixed points of finite
 * networks. The sampled spectra (esd.jsonl, one unit per network), the predicted laws (theory units
 * `esd|law|N|L`, on a grid chosen from the sample), their table, figures and verdict.
 */
import { join } from 'node:path';
import { runPool } from '../../montecarlo/pool.ts';
import type { NetworkSpec } from '../../spec/networkSpec.ts';
import { histogram, quantiles } from '../../spectra/empirical.ts';
import type { ReproductionScale } from '../scales.ts';
import { histogramPlot } from '../../plot/svg.ts';
import { kolmogorovOnGrid, lawQuantile, tabulatedLaw } from '../../spectra/tabulatedLaw.ts';
import type { Availability, PredictedLaw } from '../theory.ts';
import { openUnitStore, type UnitRecord } from '../unitStore.ts';
import { UNITS_URL, type EsdRecord, type EsdUnit } from '../units.ts';
import { esdVerdict, type EsdComparison } from '../verdicts.ts';
import { mdTable, r3, sci, longUnitPool, storedRecords, theoryWeight, unitsOfRun, writeFigure, type ClaimContext, type ClaimSection } from './section.ts';

export interface EsdResult {
  /** One record per unit, in unit order (point, then network). */
  records: EsdRecord[];
}

type EsdPoint = ReproductionScale['esd']['points'][number];

interface EsdTheory {
  point: EsdPoint;
  spec: NetworkSpec;
  /** Pooled sampled eigenvalues of J J^T at stable fixed points, ascending. */
  sample: number[];
  networks: number;
  fixedPoints: number;
  sampledQuantiles: number[];
  predicted: PredictedLaw | null;
  predictedQuantiles: (number | null)[];
  reason: string | null;
  comparison: EsdComparison;
}

const FILE = 'esd.jsonl';
const ESD_QUANTILES = [0.1, 0.5, 0.9];
/** Resolution floor of computed eigenvalues of J J^T, relative to the largest (see pointData). */
export const ESD_FLOOR = 1e-28;
/** Progress weight of one predicted ESD. */
const esdTheoryWeight = (scale: ReproductionScale) => theoryWeight(scale, 4);
const esdKey = (p: EsdPoint) => `esd|${p.weights}|${p.width}|${p.depth}`;
/**
 * Progress weight of one sampled network of width N and depth L, in "sampled networks" of the heavy-tailed
 * sweep (only the ETA uses it): its cost grows with starts x N^2 x L; at the paper scale (N = 100,
 * 100 starts) a network took about 5 CPU-seconds at a mean depth of 10, some 30 heavy-sweep networks.
 */
const esdUnitWeight = (N: number, L: number, starts: number): number => Math.max(1, Math.round((starts * N * N * L) / 3.5e5));
const esdSamplingWork = (scale: ReproductionScale): number => scale.esd.points.reduce((acc, p) => acc + scale.esd.networks * esdUnitWeight(p.width, p.depth, scale.esd.starts), 0);

function units(ctx: ClaimContext): EsdUnit[] {
  const { scale } = ctx;
  const out: EsdUnit[] = [];
  for (const p of scale.esd.points) {
    const base = ctx.bases[p.weights];
    for (let k = 0; k < scale.esd.networks; k++) {
      out.push({
        key: `${p.weights}|${p.width}|${p.depth}#${k}`, spec: { ...base, N: p.width, L: p.depth }, network: k,
        starts: scale.esd.starts, ...scale.fixedPointOptions,
      });
    }
  }
  return out;
}

/** Per ESD point: its records, pooled sample, spec and prediction grid (or why there is none). */
function pointData(ctx: ClaimContext, records: EsdRecord[]) {
  const { scale } = ctx;
  return scale.esd.points.map((p) => {
    const recs = records.filter((r) => r.weights === p.weights && r.width === p.width && r.depth === p.depth).sort((a, b) => a.network - b.network);
    const sample = recs.flatMap((r) => r.squaredSingularValues).sort((a, b) => a - b);
    const spec: NetworkSpec = { ...ctx.bases[p.weights], N: p.width, L: p.depth };
    let reason: string | null = null;
    let grid: number[] | null = null;
    const positive = sample.filter((v) => v > 0);
    if (positive.length < 2) {
      reason = 'fewer than 2 positive eigenvalues were sampled (no stable fixed points found?)';
    } else {
      // Prediction grid: log-spaced over the positive sampled range widened by a factor 10 each
      // side, but not below 1e-28 x the largest sampled eigenvalue: singular values computed in
      // double precision carry an absolute error ~ 1e-16 x the largest, so squared ones below
      // ~1e-28 x the largest eigenvalue are rounding noise. Eigenvalues below the grid (and exact
      // zeros) still count in the empirical distribution function at every grid point.
      const top = positive[positive.length - 1]!;
      const hi = top * 10;
      const lo = Math.max(positive[0]! / 10, top * ESD_FLOOR);
      const g = scale.esd.gridPoints;
      grid = Array.from({ length: g }, (_, i) => +(lo * Math.pow(hi / lo, i / (g - 1))).toPrecision(12));
    }
    return { p, recs, sample, spec, reason, grid };
  });
}

/** Sampled vs predicted, per ESD point. */
function comparisons(ctx: ClaimContext, records: EsdRecord[]): EsdTheory[] {
  return pointData(ctx, records).map(({ p, recs, sample, spec, reason: r0 }) => {
    let reason = r0;
    let predicted: EsdTheory['predicted'] = null;
    const res = ctx.theory(esdKey(p)) as Availability<PredictedLaw> | undefined;
    if (res && res.ok) predicted = res.value;
    else if (res && !res.ok) reason = res.reason;
    const light = p.weights === 'gaussian';
    const fixedPoints = recs.reduce((s, r) => s + r.spectralRadii.length, 0);
    const sampledQuantiles = sample.length > 0 ? quantiles(Float64Array.from(sample), ESD_QUANTILES) : [];
    const law = predicted ? tabulatedLaw(predicted.x, predicted.F) : null;
    const predictedQuantiles = law ? ESD_QUANTILES.map((q) => lawQuantile(law, q)) : [];
    const ks = law ? kolmogorovOnGrid(sample, law) : null;
    return {
      point: p, spec, sample, networks: recs.length, fixedPoints, sampledQuantiles, predicted, predictedQuantiles, reason,
      comparison: { width: p.width, depth: p.depth, weights: p.weights, light, ks, eigenvalues: sample.length },
    };
  });
}

/**
 * Histogram of u = log10(eigenvalue) (the spectra span many decades) vs the predicted density of
 * u, p(u) = rho(x) x ln 10 at x = 10^u (change of variables). Returns the figure name, or null
 * when fewer than 2 eigenvalues lie above the resolution floor.
 */
function esdFigure(out: string, e: EsdTheory, files: string[]): string | null {
  const top = e.sample[e.sample.length - 1] ?? 0;
  const positive = e.sample.filter((v) => v > 0 && v >= top * ESD_FLOOR);
  if (positive.length < 2) return null;
  const name = `fig-esd-${e.point.weights}-N${e.point.width}-L${e.point.depth}`;
  const u = positive.map((v) => Math.log10(v));
  const h = histogram(Float64Array.from(u), { bins: 30 });
  // Rescale so the bars are a density of u for the whole sample (zeros, if any, are in no bar).
  const share = positive.length / e.sample.length;
  const bars = [...h.density].map((d) => d * share);
  const lo = h.edges[0]!, hi = h.edges[h.edges.length - 1]!;
  const overlays = [];
  let dmax = Math.max(...bars);
  if (e.predicted) {
    const px: number[] = [], py: number[] = [];
    e.predicted.x.forEach((x, i) => {
      const uu = Math.log10(x);
      if (x > 0 && uu >= lo && uu <= hi) { px.push(uu); py.push(e.predicted!.density[i]! * x * Math.LN10); }
    });
    overlays.push({ name: 'predicted (ESD equation)', x: px, y: py });
    dmax = Math.max(dmax, ...py);
  }
  writeFigure(out, name, histogramPlot([...h.edges], bars, overlays, {
    title: `ESD of J J^T at fixed points: ${e.point.weights}, N = ${e.point.width}, L = ${e.point.depth}`,
    xLabel: 'log10 of the eigenvalue of J J^T', yLabel: 'density of log10 eigenvalue', xDomain: [lo, hi], yDomain: [0, dmax * 1.1],
    histogramName: `sampled (${e.fixedPoints} fixed points, ${e.networks} networks)`,
    caption: e.predicted
      ? `Bars: eigenvalues of J J^T at the stable fixed points (log10, 30 bins; values below 1e-28 x the largest, i.e. below double-precision resolution, are left out: ${e.sample.length - positive.length} of ${e.sample.length}). Line: predicted density of log10 eigenvalue. Kolmogorov distance ${e.comparison.ks!.toFixed(3)} (on the grid above that floor).`
      : `Bars: eigenvalues of J J^T at the stable fixed points (log10; ${e.sample.length - positive.length} of ${e.sample.length} below double-precision resolution left out). No prediction: ${e.reason}.`,
  }), files);
  return name;
}

export const esdSection: ClaimSection<EsdResult> = {
  id: 'esd',
  runFiles: [FILE, `${FILE}.meta.json`],
  progressLabel: 'ESD of J J^T at fixed points',
  timingLabel: 'ESD at fixed points (sampling)',
  work: (scale) => esdSamplingWork(scale) + scale.esd.points.length * esdTheoryWeight(scale),
  async run(ctx) {
    const { scale, opts, progress } = ctx;
    const esdUnits = units(ctx);
    const store = openUnitStore<EsdRecord & UnitRecord>(join(ctx.out, FILE), 'jesd-reproduce-esd', {
      seed: opts.seed, scale: scale.name, esd: scale.esd, fixedPointOptions: scale.fixedPointOptions,
      bases: { gaussian: ctx.bases.gaussian, cauchy: ctx.bases.cauchy },
    }, { resume: opts.resume, units: new Map(esdUnits.map((u) => [u.key, { width: u.spec.N, depth: u.spec.L, weights: u.spec.weights.name, network: u.network }])) });
    try {
      const weight = (u: EsdUnit) => esdUnitWeight(u.spec.N, u.spec.L, u.starts);
      for (const u of esdUnits) if (store.done.has(u.key)) progress.skip(weight(u));
      const todo = unitsOfRun(ctx, esdUnits).filter((u) => !store.done.has(u.key));
      await runPool<EsdUnit, EsdRecord>(todo, UNITS_URL, {
        ...longUnitPool(ctx), exportName: 'runEsdUnit',
        onResult: (i, rec) => { store.append(rec as EsdRecord & UnitRecord); progress.add(weight(todo[i]!)); },
      });
    } finally {
      store.close();
    }
    return { result: { records: storedRecords(ctx, esdUnits, store.done) }, files: [FILE] };
  },
  theoryUnits(ctx, { records }) {
    // The grid of a prediction comes from the sampled spectra of every shard: it waits for the merge.
    if (ctx.opts.shard) return [];
    const budget = { ...ctx.scale.theory };
    const weight = esdTheoryWeight(ctx.scale);
    const withGrid = pointData(ctx, records).filter((d) => d.grid !== null);
    // Points without a grid get no prediction: their share of the progress total is done.
    ctx.progress.skip((ctx.scale.esd.points.length - withGrid.length) * weight);
    return withGrid.map((d) => ({ unit: { key: esdKey(d.p), kind: 'esd' as const, spec: d.spec, grid: d.grid!, budget }, weight }));
  },
  report(ctx, { records }) {
    const { scale } = ctx;
    const esd = comparisons(ctx, records);
    const files: string[] = [];
    const figures = esd.map((e) => esdFigure(ctx.out, e, files)).filter((n): n is string => n !== null);
    return {
      verdicts: [esdVerdict(esd.map((e) => e.comparison))],
      whatWasRun: [`ESD at fixed points: ${scale.esd.points.map((p) => `${p.weights} N=${p.width} L=${p.depth}`).join('; ')}; ${scale.esd.networks} networks each, ${scale.esd.starts} starts; prediction on a ${scale.esd.gridPoints}-point log grid.`],
      heading: 'ESD of J J^T at fixed points: predicted vs sampled',
      markdown: [
        mdTable(['law', 'N', 'L', 'networks', 'stable fixed points', 'eigenvalues', 'sampled q10 / q50 / q90', 'predicted q10 / q50 / q90', 'predicted mass on grid', 'KS distance'],
          esd.map((e) => [
            e.point.weights, e.point.width, e.point.depth, e.networks, e.fixedPoints, e.sample.length,
            e.sampledQuantiles.map(sci).join(' / ') || 'n/a',
            e.predicted ? e.predictedQuantiles.map((q) => (q === null ? 'n/a' : sci(q))).join(' / ') : `not run (${e.reason})`,
            e.predicted ? r3(e.predicted.totalMass) : 'n/a',
            e.comparison.ks === null ? 'n/a' : e.comparison.ks.toFixed(3),
          ])),
        '',
        ...figures.map((n) => `![${n}](${n}.svg)`),
      ],
      summary: { esd: esd.map((e) => ({ ...e.comparison, sampledQuantiles: e.sampledQuantiles, predictedQuantiles: e.predictedQuantiles })) },
      files,
    };
  },
};
