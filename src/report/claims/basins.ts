/**
 * Claim C5 (basins): with heavy-tailed weights the fixed points are stable attractors whose basins
 * partition the input domain. The basin images of one heavy-tailed network in 2-D slices
 * (basins.jsonl, one unit per image row), their table, figures and verdict.
 */
import { join } from 'node:path';
import { findFixedPoints } from '../../fixedpoints/search.ts';
import { runPool } from '../../montecarlo/pool.ts';
import type { SweepRecord } from '../../montecarlo/records.ts';
import { sampleNetwork } from '../../network/network.ts';
import { describeSpec, type NetworkSpec } from '../../spec/networkSpec.ts';
import { categoricalHeatmap, PALETTE } from '../../plot/svg.ts';
import { openUnitStore, type UnitRecord } from '../unitStore.ts';
import { CELL_CYCLE, CELL_UNSETTLED, UNITS_URL, type BasinRowRecord, type BasinRowUnit, type BasinSlice, type KnownFixedPoint } from '../units.ts';
import { basinVerdict, type BasinSummary } from '../verdicts.ts';
import { heavySection } from './heavy.ts';
import { mdTable, r3, writeFigure, type ClaimContext, type ClaimSection } from './section.ts';

const FILE = 'basins.jsonl';

interface SliceDef extends BasinSlice {
  label: string;
  xLabel: string;
  yLabel: string;
  /** Slice coordinates (s, t) of a point lying on the slice, or null. */
  onSlice: (x: number[]) => [number, number] | null;
}

export interface BasinResult {
  summary: BasinSummary | null;
  spec: NetworkSpec | null;
  network: number;
  /** Global fixed-point list (listing search first, then new ones in (slice, row) order). */
  fixedPoints: KnownFixedPoint[];
  /** One image per slice: cells (row-major, row 0 = lowest t) with global indices or CELL_*. */
  images: { slice: SliceDef; cells: number[] }[];
  resolution: number;
  note: string;
}

async function runBasins(ctx: ClaimContext, heavyRecords: readonly SweepRecord[]): Promise<BasinResult> {
  const { scale, opts, out, progress } = ctx;
  const heavyBase = ctx.bases.cauchy;
  // The network: width N0 = first heavy width; among its Monte Carlo networks the one with the
  // largest Q (ties: smallest depth, then lowest index), so the images show several basins when
  // any sampled network has several stable fixed points.
  const N0 = scale.heavy.widths[0]!;
  const candidates = heavyRecords.filter((r) => r.width === N0).sort((a, b) => b.Q - a.Q || a.depth - b.depth || a.network - b.network);
  const best = candidates[0]!;
  const peak = { depth: best.depth };
  const spec: NetworkSpec = { ...heavyBase, N: N0, L: best.depth };
  const net = sampleNetwork(spec, best.network);
  const listing = findFixedPoints(net, { starts: scale.basins.starts, ...scale.fixedPointOptions });
  const known: KnownFixedPoint[] = listing.fixedPoints.map((fp) => ({ x: Array.from(fp.x), stable: fp.stable, spectralRadius: fp.spectralRadius }));
  const range = net.activation.range;
  const stable = listing.fixedPoints.filter((fp) => fp.stable);
  const base = stable[0] ? Array.from(stable[0].x) : new Array<number>(N0).fill((range[0] + range[1]) / 2);
  const n = scale.basins.resolution;
  // Slices. With >= 2 stable fixed points, slice 1 is the plane through x*1 and x*2:
  // start(s, t) = x*1 + s (x*2 - x*1) + t w, s in [-0.5, 1.5], t in [-|u|, |u|], w the unit
  // coordinate direction least aligned with u = x*2 - x*1, made orthogonal to u. The other slices
  // (and all of them with one fixed point) are coordinate slices of the cube through x*1:
  // coordinates (2k, 2k+1) over the activation range, the others at x*1.
  const slices: SliceDef[] = [];
  if (stable.length >= 2) {
    const x1 = Array.from(stable[0]!.x), x2 = Array.from(stable[1]!.x);
    const u = x2.map((v, k) => v - x1[k]!);
    const norm = Math.hypot(...u);
    let m = 0;
    u.forEach((v, k) => { if (Math.abs(v) < Math.abs(u[m]!)) m = k; });
    const w = u.map((v, k) => (k === m ? 1 : 0) - (u[m]! * v) / (norm * norm));
    const wn = Math.hypot(...w);
    slices.push({
      label: 'plane through x*1 and x*2', xLabel: 's (x*1 at s = 0, x*2 at s = 1)', yLabel: `t (along e${m + 1}, orthogonal to x*2 - x*1)`,
      origin: x1, a: u, b: w.map((v) => v / wn), s0: -0.5, s1: 1.5, t0: -norm, t1: norm,
      onSlice: (x) => {
        // Least-squares coordinates (s, t) in the orthogonal basis (u, w/|w|) and the distance to the plane.
        const d = x.map((v, k) => v - x1[k]!);
        const s = d.reduce((acc, v, k) => acc + v * u[k]!, 0) / (norm * norm);
        const t = d.reduce((acc, v, k) => acc + (v * w[k]!) / wn, 0);
        const off = Math.hypot(...d.map((v, k) => v - s * u[k]! - (t * w[k]!) / wn));
        return off < 1e-6 ? [s, t] : null;
      },
    });
  }
  // Coordinate slices: with two stable fixed points, the coordinates where they differ most, in
  // pairs, the others at their midpoint (so both basins can show); with one, coordinates
  // (1, 2), (3, 4), ... through x*1.
  let order = base.map((_, c) => c);
  let sliceBase = base;
  if (stable.length >= 2) {
    const x1 = stable[0]!.x, x2 = stable[1]!.x;
    order = [...order].sort((p, q) => Math.abs(x2[q]! - x1[q]!) - Math.abs(x2[p]! - x1[p]!) || p - q);
    sliceBase = base.map((v, c) => (v + x2[c]!) / 2);
  }
  const through = stable.length >= 2 ? 'the others at the midpoint of x*1 and x*2' : 'the others at x*1';
  for (let k = 0; slices.length < scale.basins.slices && 2 * k + 1 < N0; k++) {
    const i = order[2 * k]!, j = order[2 * k + 1]!;
    const b0 = sliceBase;
    const origin = b0.map((v, c) => (c === i || c === j ? 0 : v));
    slices.push({
      label: `coordinates x${i + 1}, x${j + 1}`, xLabel: `x${i + 1} (${through})`, yLabel: `x${j + 1}`,
      origin, a: b0.map((_, c) => (c === i ? 1 : 0)), b: b0.map((_, c) => (c === j ? 1 : 0)),
      s0: range[0], s1: range[1], t0: range[0], t1: range[1],
      onSlice: (x) => (x.every((v, c) => c === i || c === j || Math.abs(v - b0[c]!) < 1e-6) ? [x[i]!, x[j]!] : null),
    });
  }
  const units: (BasinRowUnit & { slice: number })[] = [];
  slices.forEach((sl, si) => {
    for (let r = 0; r < n; r++) {
      units.push({
        key: `slice${si}#row${r}`, slice: si, spec, network: best.network, known,
        origin: sl.origin, a: sl.a, b: sl.b, s0: sl.s0, s1: sl.s1, t0: sl.t0, t1: sl.t1,
        resolution: n, row: r, ...scale.fixedPointOptions,
      });
    }
  });
  // Units for slices the width does not allow still count in the progress total.
  progress.skip((scale.basins.slices - slices.length) * n);
  const store = openUnitStore<BasinRowRecord & UnitRecord>(join(out, FILE), 'jesd-reproduce-basins', {
    seed: opts.seed, scale: scale.name, spec, network: best.network, basins: scale.basins, fixedPointOptions: scale.fixedPointOptions,
  }, { resume: opts.resume, units: new Map(units.map((u) => [u.key, { slice: u.slice, row: u.row }])) });
  try {
    progress.skip(store.done.size);
    const todo = units.filter((u) => !store.done.has(u.key));
    await runPool<BasinRowUnit & { slice: number }, BasinRowRecord>(todo, UNITS_URL, {
      workers: opts.workers, exportName: 'runBasinRowUnit',
      onResult: (_i, rec) => { store.append(rec as BasinRowRecord & UnitRecord); progress.add(1); },
    });
  } finally {
    store.close();
  }
  // Merge the fixed points found by rows into the global list, in (slice, row) order.
  const fixedPoints = [...known];
  const dedup = 1e-6;
  const indexOf = (fp: KnownFixedPoint): number => {
    for (let k = 0; k < fixedPoints.length; k++) {
      let d = 0;
      for (let c = 0; c < fp.x.length; c++) d = Math.max(d, Math.abs(fp.x[c]! - fixedPoints[k]!.x[c]!));
      if (d < dedup) return k;
    }
    fixedPoints.push(fp);
    return fixedPoints.length - 1;
  };
  const images = slices.map((sl) => ({ slice: sl, cells: new Array<number>(n * n).fill(CELL_UNSETTLED) }));
  for (const u of units) {
    const rec = store.done.get(u.key)!;
    const remap = rec.newFixedPoints.map(indexOf);
    rec.cells.forEach((c, col) => {
      images[u.slice]!.cells[u.row * n + col] = c >= 0 ? (c < known.length ? c : remap[c - known.length]!) : c;
    });
  }
  let starts = 0, toStable = 0, cycles = 0, unsettled = 0;
  const used = new Set<number>();
  for (const im of images) {
    for (const c of im.cells) {
      starts++;
      if (c === CELL_CYCLE) cycles++;
      else if (c === CELL_UNSETTLED) unsettled++;
      else if (fixedPoints[c]!.stable) { toStable++; used.add(c); }
    }
  }
  return {
    summary: { starts, toStableFixedPoint: toStable, basins: used.size, cycles, unsettled },
    spec, network: best.network, fixedPoints, images, resolution: n,
    note: `network ${best.network} of the heavy-tailed grid point N=${N0}, L=${peak.depth} (the sampled network with the largest Q, Q = ${best.Q}; ties broken by smaller depth, then lower index)`,
  };
}

/** One image per slice; returns the figure names. */
function basinFigures(out: string, basin: BasinResult, files: string[]): string[] {
  const names: string[] = [];
  if (basin.spec) {
    const cats = basin.fixedPoints.map((fp, k) => ({ label: `x*${k + 1} ${fp.stable ? 'stable' : 'unstable'}${Number.isFinite(fp.spectralRadius) ? `, rho=${fp.spectralRadius.toFixed(2)}` : ''}` }));
    const cycleCat = cats.length;
    const allCats: { label: string; color?: string }[] = [...cats, { label: 'periodic cycle', color: '#000000' }];
    basin.images.forEach((im, s) => {
      const cells = im.cells.map((c) => (c === CELL_CYCLE ? cycleCat : c === CELL_UNSETTLED ? -1 : c));
      const used = new Set(cells);
      // Only categories that appear (keep indices: remap to a compact list).
      const order = allCats.map((_, k) => k).filter((k) => used.has(k));
      const remap = new Map(order.map((k, i) => [k, i]));
      const compact = cells.map((c) => (c < 0 ? -1 : remap.get(c)!));
      const categories = order.map((k) => ({ ...allCats[k]!, color: allCats[k]!.color ?? PALETTE[k % PALETTE.length] }));
      const marks = basin.fixedPoints
        .map((fp, k) => ({ k, at: im.slice.onSlice(fp.x) }))
        .filter((m): m is { k: number; at: [number, number] } => m.at !== null && remap.has(m.k))
        .map(({ k, at }) => ({ x: at[0], y: at[1], category: remap.get(k)!, label: `x*${k + 1}` }));
      const name = `fig-basins-slice${s + 1}`;
      const sl = im.slice;
      writeFigure(out, name, categoricalHeatmap(compact, basin.resolution, basin.resolution, categories, {
        title: `Basins of attraction, slice ${s + 1}: ${sl.label}`,
        xLabel: sl.xLabel, yLabel: sl.yLabel, xRange: [sl.s0, sl.s1], yRange: [sl.t0, sl.t1], marks,
        caption: `${basin.spec!.weights.name} weights, N = ${basin.spec!.N}, L = ${basin.spec!.L}, ${basin.note}. Colour = the fixed point a start converges to (grey: did not settle; black: periodic cycle); fixed points lying on the slice are marked.`,
      }), files);
      names.push(name);
    });
  }
  return names;
}

/** null in a shard (`--shard K/N`): the basins are computed by the merge. */
export const basinsSection: ClaimSection<BasinResult | null> = {
  id: 'basins',
  runFiles: [FILE, `${FILE}.meta.json`],
  progressLabel: 'basins of attraction',
  timingLabel: 'basins of attraction',
  work: (scale) => scale.basins.slices * scale.basins.resolution,
  async run(ctx) {
    // The network is chosen from every heavy-tailed record, so in a shard the basins wait for the merge.
    if (ctx.opts.shard) return { result: null, files: [] };
    const result = await runBasins(ctx, ctx.result(heavySection).records);
    return { result, files: [FILE] };
  },
  report(ctx, basin) {
    if (basin === null) throw new Error('reproduce: the basins section reports only in a whole (or merged) run');
    const { scale } = ctx;
    const files: string[] = [];
    const figures = basinFigures(ctx.out, basin, files);
    const md: string[] = [];
    if (basin.spec && basin.summary) {
      md.push(`Network: ${describeSpec(basin.spec)}, ${basin.note}.`);
      md.push('');
      const counts = new Map<number, number>();
      for (const im of basin.images) for (const c of im.cells) counts.set(c, (counts.get(c) ?? 0) + 1);
      const totalCells = basin.summary.starts;
      md.push(mdTable(['fixed point', 'stable', 'spectral radius of Df', 'share of image starts'],
        basin.fixedPoints.map((fp, k) => [`x*${k + 1}`, fp.stable ? 'yes' : 'no', Number.isFinite(fp.spectralRadius) ? fp.spectralRadius.toFixed(4) : 'n/a', r3((counts.get(k) ?? 0) / totalCells)])
          .concat([['cycles', '', '', r3((counts.get(CELL_CYCLE) ?? 0) / totalCells)], ['did not settle', '', '', r3((counts.get(CELL_UNSETTLED) ?? 0) / totalCells)]])));
      md.push('');
      for (const n of figures) md.push(`![${n}](${n}.svg)`);
    } else {
      md.push('Not run.');
    }
    return {
      verdicts: [basinVerdict(basin.summary)],
      whatWasRun: [`Basins: ${basin.spec ? `${basin.note}; ${basin.images.length} slice(s) of ${basin.resolution} x ${basin.resolution} starts (${basin.images.map((im) => im.slice.label).join('; ')}); fixed points listed first by a search with ${scale.basins.starts} starts.` : 'not run.'}`],
      heading: 'Basins of attraction',
      markdown: md,
      summary: { basins: basin.summary },
      files,
    };
  },
};
