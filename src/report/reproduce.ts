/**
 * `jesd reproduce`: the fixed-point study (arXiv 2501.04182) end to end, on built-in defaults
 * (docs/claims.md). Four sections, each a resumable JSON Lines file in the output directory:
 *
 * 1. light.jsonl  light tails: Q(N, L) over a grid of N and L (runSweep, Gaussian weights);
 * 2. heavy.jsonl  heavy tails: Q(N0, L) over depth (runSweep, Cauchy weights), beside the Q curve
 *                 predicted from the ESD equation (src/predict/), when that predictor is available;
 * 3. esd.jsonl    the ESD of J J^T at stable fixed points, sampled vs predicted, for a few (N, L);
 * 4. basins.jsonl basins of attraction of one heavy-tailed network in 2-D coordinate slices;
 *    theory.jsonl caches the theory results so a resumed run does not recompute them.
 *
 * Then report.md (parameters, versions, seeds, tables, a verdict per claim by stated rules,
 * timings in a separate marked section), figures (SVG + PNG) and summary.json.
 *
 * Determinism: every unit depends only on (seed, grid point, network index) (see
 * src/montecarlo/sweep.ts and ./units.ts); everything aggregated is sorted by unit key before it
 * is summed; so the report (minus its timings section) is the same for any worker count, and a
 * killed run resumed with `resume: true` ends with the same report as an uninterrupted one.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { InvalidSpecError, OutputFileError, ResultStoreError, requireInteger } from '../errors.ts';
import { ensureOutputDirectory, fileError, writeOutputFile } from '../io/files.ts';
import { acquireLock } from '../montecarlo/lock.ts';
import { resolveNetworkFlags } from '../cli/flags.ts';
import { PRESETS } from '../cli/presets.ts';
import { findFixedPoints } from '../fixedpoints/search.ts';
import { linalg } from '../linalg/index.ts';
import { runPool } from '../montecarlo/pool.ts';
import { groupBy, meanAndSd } from '../montecarlo/summary.ts';
import { runSweep } from '../montecarlo/sweep.ts';
import type { SweepConfig, SweepRecord } from '../montecarlo/records.ts';
import { sampleNetwork } from '../network/network.ts';
import { describeSpec, type NetworkSpec } from '../network/spec.ts';
import { histogram, quantiles } from '../spectra/empirical.ts';
import { createProgress, formatSeconds, type ProgressReporter } from '../montecarlo/progress.ts';
import { SCALES, type ReproductionScale, type ScaleName } from './scales.ts';
import { categoricalHeatmap, histogramPlot, linePlot, PALETTE, svgToPng, type Series } from './svg.ts';
import { gridQuantile, kolmogorovOnGrid, type Availability, type PredictedLaw, type PredictedQCurve, type PredictedQPoint } from './theory.ts';
import { openUnitStore, type UnitRecord } from './unitStore.ts';
import { siblingModuleUrl } from '../moduleUrl.ts';
import { runTrainedClaims, trainedClaimUnits, TRAINED_CLAIM_FILES } from './claims/index.ts';
import {
  CELL_CYCLE, CELL_UNSETTLED,
  type BasinRowRecord, type BasinRowUnit, type BasinSlice, type EsdRecord, type EsdUnit, type KnownFixedPoint, type TheoryRecord, type TheoryUnit,
} from './units.ts';
import {
  basinVerdict, emergenceVerdict, esdVerdict, lightTailVerdict, nonMonotoneVerdict, theoryVerdict,
  type BasinSummary, type ClaimVerdict, type EsdComparison, type QRow,
} from './verdicts.ts';

export interface ReproduceOptions {
  scale: ScaleName;
  out: string;
  workers: number;
  seed: number;
  resume: boolean;
  /** Replace an earlier run in `out` (without it, and without `resume`, an earlier run is refused). */
  force?: boolean;
  /** No progress output. */
  quiet?: boolean;
  /** Where progress and log lines go (default stderr). */
  stream?: NodeJS.WriteStream;
}

export interface ReproductionResult {
  out: string;
  files: string[];
  verdicts: ClaimVerdict[];
  timings: Record<string, number>;
}

const UNITS_URL = siblingModuleUrl(import.meta.url, './units');
export const TIMINGS_START = '<!-- timings:start -->';
export const TIMINGS_END = '<!-- timings:end -->';

/** report.md without its timings section (what the determinism and resume checks compare). */
export function stripTimings(report: string): string {
  const a = report.indexOf(TIMINGS_START), b = report.indexOf(TIMINGS_END);
  if (a < 0 || b < a) return report;
  return report.slice(0, a) + report.slice(b + TIMINGS_END.length);
}

// ---------------------------------------------------------------------------------------------
// Helpers

const r3 = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(3));
const sci = (v: number) => (v === 0 ? '0' : Math.abs(v) >= 1e-2 && Math.abs(v) < 1e4 ? v.toPrecision(4) : v.toExponential(3));

function mdTable(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Per-grid-point Q statistics from sweep records (sorted by network index before summing). */
export function qRows(records: readonly SweepRecord[]): QRow[] {
  const groups = groupBy(records, (r) => `${r.width}|${r.depth}`);
  const rows: QRow[] = [];
  for (const g0 of groups.values()) {
    const g = [...g0].sort((a, b) => a.network - b.network);
    const n = g.length;
    const { mean, sd } = meanAndSd(g.map((r) => r.Q));
    const stderr = sd === null ? null : sd / Math.sqrt(n);
    rows.push({
      width: g[0]!.width, depth: g[0]!.depth, networks: n, meanQ: mean, stderrQ: stderr,
      minQ: Math.min(...g.map((r) => r.Q)), maxQ: Math.max(...g.map((r) => r.Q)),
      pQAbove1: g.filter((r) => r.Q > 1).length / n, pQEquals1: g.filter((r) => r.Q === 1).length / n,
      pQEquals0: g.filter((r) => r.Q === 0).length / n,
    });
  }
  return rows.sort((a, b) => a.width - b.width || a.depth - b.depth);
}

function baseFor(weights: 'gaussian' | 'cauchy', seed: number): Omit<NetworkSpec, 'N' | 'L'> {
  return resolveNetworkFlags({ preset: 'study', weights, seed: String(seed) }).base;
}

function sweepConfig(grid: ReproductionScale['light'], base: Omit<NetworkSpec, 'N' | 'L'>, scale: ReproductionScale): SweepConfig {
  const { weights, ...rest } = base;
  return {
    widths: grid.widths, depths: grid.depths, weightLaws: [weights], base: rest,
    networks: grid.networks, starts: grid.starts, fixedPointOptions: { ...scale.fixedPointOptions },
  };
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
    return `${pkg.name} ${pkg.version}`;
  } catch {
    return 'jacobian-esd (version unknown)';
  }
}

/** " commit abc1234" when run from a git checkout (a version marker, printed in the report), else "". */
function gitCommit(): string {
  try {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const out = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return /^[0-9a-f]{4,40}$/.test(out) ? `, commit ${out}` : '';
  } catch {
    return '';
  }
}

function writeFigure(out: string, name: string, svg: string, files: string[]): void {
  writeOutputFile('--out', join(out, `${name}.svg`), svg);
  const png = join(out, `${name}.png`);
  try {
    svgToPng(svg, png);
  } catch (e) {
    throw fileError('--out', png, e);
  }
  files.push(`${name}.svg`, `${name}.png`);
}

// ---------------------------------------------------------------------------------------------
// The run

export async function runReproduction(opts: ReproduceOptions): Promise<ReproductionResult> {
  const scale = SCALES[opts.scale];
  if (!scale) throw new InvalidSpecError('--scale', `must be one of ${Object.keys(SCALES).join('|')}, got ${JSON.stringify(opts.scale)}`);
  requireInteger('--workers', opts.workers, 1, 4096);
  requireInteger('--seed', opts.seed, 0);
  const out = opts.out;
  if (opts.resume && opts.force) throw new InvalidSpecError('--force', 'cannot be combined with --resume (--force starts over, --resume continues)');
  // Only the last component of --out is created; the whole directory is locked for the run.
  ensureOutputDirectory('--out', out);
  const lock = acquireLock(join(out, REPRODUCE_LOCK), { flag: '--out', target: out });
  try {
    if (!opts.resume && !opts.force) {
      const earlier = earlierRunFiles(out);
      if (earlier.length > 0) {
        throw new OutputFileError('--out', out, `--out: ${out} holds an earlier run (${earlier.slice(0, 3).join(', ')}${earlier.length > 3 ? ', ...' : ''}); add --resume to continue it or --force to replace it`, 2);
      }
    }
    return await reproduceLocked(opts, out);
  } catch (e) {
    // A section store of another --scale or --seed names the internal grid flag (e.g. "--width
    // differs"); the user typed --scale and --seed, so name those.
    if (opts.resume && e instanceof ResultStoreError && /differs from the run recorded/.test(e.message)) {
      const file = /recorded in (\S+)/.exec(e.message)?.[1] ?? out;
      throw new ResultStoreError(`--resume: ${out} holds a run made with another --scale or --seed (its grid in ${file} differs); repeat that run's --scale and --seed, or use --force to replace it`);
    }
    throw e;
  } finally {
    lock.release();
  }
}

/** Lock file of a reproduction directory while a run writes it. */
export const REPRODUCE_LOCK = 'reproduce.lock';

/** Files of `jesd reproduce` (besides figures) whose presence marks an earlier run in a directory. */
const RUN_FILES = [
  ...['light', 'heavy', 'esd', 'basins', 'theory'].flatMap((s) => [`${s}.jsonl`, `${s}.jsonl.meta.json`]),
  'report.md', 'summary.json', ...TRAINED_CLAIM_FILES,
];

/** The files of an earlier reproduction found in `out` (a record file or its run description counts). */
export function earlierRunFiles(out: string): string[] {
  return RUN_FILES.filter((f) => existsSync(join(out, f)));
}

async function reproduceLocked(opts: ReproduceOptions, out: string): Promise<ReproductionResult> {
  const scale = SCALES[opts.scale]!;
  const files: string[] = [];
  const timings: Record<string, number> = {};
  const tAll = performance.now();
  const lightBase = baseFor('gaussian', opts.seed);
  const heavyBase = baseFor('cauchy', opts.seed);
  const lightConfig = sweepConfig(scale.light, lightBase, scale);
  const heavyConfig = sweepConfig(scale.heavy, heavyBase, scale);

  const esdUnits: EsdUnit[] = [];
  for (const p of scale.esd.points) {
    const base = p.weights === 'gaussian' ? lightBase : heavyBase;
    for (let k = 0; k < scale.esd.networks; k++) {
      esdUnits.push({
        key: `${p.weights}|${p.width}|${p.depth}#${k}`, spec: { ...base, N: p.width, L: p.depth }, network: k,
        starts: scale.esd.starts, ...scale.fixedPointOptions,
      });
    }
  }
  const basinRows = scale.basins.slices * scale.basins.resolution;
  const total = scale.light.widths.length * scale.light.depths.length * scale.light.networks
    + scale.heavy.widths.length * scale.heavy.depths.length * scale.heavy.networks
    + esdUnits.length + basinRows
    + scale.heavy.widths.length * scale.heavy.depths.reduce((acc, d) => acc + theoryWeight(scale, d), 0) + scale.esd.points.length * theoryWeight(scale, 4) + trainedClaimUnits(scale.name);
  const progress = createProgress({ total, label: 'reproduce', quiet: opts.quiet, ...(opts.stream ? { stream: opts.stream } : {}) });
  let lastDone = -1;
  // runSweep reports the units a resume found done first: they move the bar, not the ETA.
  const sweepProgress = (done: number) => {
    if (lastDone < 0) progress.skip(done);
    else progress.add(done - lastDone);
    lastDone = done;
  };

  /** One sweep section: run `config` (resumably) into out/`file`, list the file, record its wall time. */
  const sweepSection = async (section: string, config: SweepConfig, file: string, timing: string) => {
    const t0 = performance.now();
    progress.setSection(section);
    lastDone = -1;
    const records = await runSweep(config, { out: join(out, file), resume: opts.resume, force: !opts.resume, workers: opts.workers, quiet: true, onProgress: sweepProgress });
    files.push(file);
    timings[timing] = performance.now() - t0;
    return records;
  };

  try {
    // 1. Light tails.
    const light = await sweepSection('light tails: Q(N, L)', lightConfig, 'light.jsonl', 'light tails (sweep)');

    // 2. Heavy tails.
    const heavy = await sweepSection('heavy tails: Q(N0, L)', heavyConfig, 'heavy.jsonl', 'heavy tails (sweep)');

    // 3. ESD at fixed points (sampled).
    let t = performance.now();
    progress.setSection('ESD of J J^T at fixed points');
    const esdStore = openUnitStore<EsdRecord & UnitRecord>(join(out, 'esd.jsonl'), 'jesd-reproduce-esd', {
      seed: opts.seed, scale: scale.name, esd: scale.esd, fixedPointOptions: scale.fixedPointOptions,
      bases: { gaussian: lightBase, cauchy: heavyBase },
    }, { resume: opts.resume, units: new Map(esdUnits.map((u) => [u.key, { width: u.spec.N, depth: u.spec.L, weights: u.spec.weights.name, network: u.network }])) });
    try {
      progress.skip(esdStore.done.size);
      const todo = esdUnits.filter((u) => !esdStore.done.has(u.key));
      await runPool<EsdUnit, EsdRecord>(todo, UNITS_URL, {
        workers: opts.workers, exportName: 'runEsdUnit',
        onResult: (_i, rec) => { esdStore.append(rec as EsdRecord & UnitRecord); progress.add(1); },
      });
    } finally {
      esdStore.close();
    }
    const esdRecords = esdUnits.map((u) => esdStore.done.get(u.key)!);
    files.push('esd.jsonl');
    timings['ESD at fixed points (sampling)'] = performance.now() - t;

    // 4. Basins of one heavy-tailed network.
    t = performance.now();
    progress.setSection('basins of attraction');
    const basin = await runBasins(scale, heavyBase, heavy.records, opts, out, progress);
    files.push('basins.jsonl');
    timings['basins of attraction'] = performance.now() - t;

    // 5. Theory (cached in theory.jsonl).
    t = performance.now();
    progress.setSection('theory: ESD equation and Q prediction');
    const theory = await runTheory(scale, heavyBase, lightBase, esdRecords, opts, out, progress);
    files.push('theory.jsonl');
    timings['theory'] = performance.now() - t;

    // 5b. Trained networks: claims T1, T2, A1 (src/report/claims/).
    t = performance.now();
    const trained = await runTrainedClaims({ scale: scale.name, out, seed: opts.seed, workers: opts.workers, resume: opts.resume, progress });
    files.push(...trained.files);
    timings['trained networks (T1, T2, A1)'] = performance.now() - t;

    // 6. Figures and report.
    t = performance.now();
    progress.setSection('figures and report');
    const lightRows = qRows(light.records);
    const heavyRows = qRows(heavy.records);
    const verdicts: ClaimVerdict[] = [];
    verdicts.push(lightTailVerdict(lightRows));
    verdicts.push(emergenceVerdict(heavyRows));
    const nonMono = nonMonotoneVerdict(heavyRows);
    verdicts.push(nonMono);
    const curves = theory.qCurves.filter((c): c is { ok: true; value: PredictedQCurve } => c.ok).map((c) => c.value);
    const qReasons = theory.qCurves.filter((c): c is { ok: false; reason: string } => !c.ok).map((c) => c.reason);
    verdicts.push(theoryVerdict(curves.length === heavyConfig.widths.length ? curves : null, heavyRows, qReasons[0]));
    verdicts.push(basinVerdict(basin.summary));
    verdicts.push(esdVerdict(theory.esd.map((e) => e.comparison)));
    verdicts.push(...trained.verdicts);

    const figureNames = writeFigures(out, files, scale, lightRows, heavyRows, curves, theory.esd, basin, nonMono.peaks);
    const report = reportMarkdown({
      scale, opts, lightConfig, heavyConfig, lightBase, heavyBase, lightRows, heavyRows, curves, qReasons,
      esd: theory.esd, basin, verdicts, figureNames, files,
    }) + trained.markdown;
    timings['figures and report'] = performance.now() - t;
    timings['total'] = performance.now() - tAll;
    const summary = { scale: scale.name, seed: opts.seed, verdicts, light: lightRows, heavy: heavyRows, theoryQ: curves, esd: theory.esd.map((e) => ({ ...e.comparison, sampledQuantiles: e.sampledQuantiles, predictedQuantiles: e.predictedQuantiles })), basins: basin.summary, trained: trained.summary };
    writeOutputFile('--out', join(out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    files.push('summary.json');
    const timingLines = [
      TIMINGS_START,
      '## Timings and environment',
      '',
      `Source: ${packageVersion()}${gitCommit() || ' (not a git checkout)'}; Node ${process.versions.node} on ${process.platform}-${process.arch}; linear-algebra backend ${linalg().name}.`,
      '',
      `Wall time on this machine with --workers ${opts.workers} (this section is kept out of the determinism comparison: the numbers above do not depend on the worker count).` + (opts.resume ? ' This run was resumed: the times count only the work done in this invocation.' : ''),
      '',
      mdTable(['stage', 'wall time'], Object.entries(timings).map(([k, v]) => [k, formatSeconds(v / 1000)])),
      '',
      TIMINGS_END,
      '',
    ].join('\n');
    writeOutputFile('--out', join(out, 'timings.json'), JSON.stringify({ workers: opts.workers, resumed: opts.resume, ms: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v)])) }, null, 2) + '\n');
    files.push('timings.json');
    writeOutputFile('--out', join(out, 'report.md'), report + '\n' + timingLines);
    files.unshift('report.md');
    return { out, files, verdicts, timings };
  } finally {
    progress.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Basins

interface SliceDef extends BasinSlice {
  label: string;
  xLabel: string;
  yLabel: string;
  /** Slice coordinates (s, t) of a point lying on the slice, or null. */
  onSlice: (x: number[]) => [number, number] | null;
}

interface BasinResult {
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

async function runBasins(scale: ReproductionScale, heavyBase: Omit<NetworkSpec, 'N' | 'L'>, heavyRecords: readonly SweepRecord[], opts: ReproduceOptions, out: string, progress: ProgressReporter): Promise<BasinResult> {
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
  const store = openUnitStore<BasinRowRecord & UnitRecord>(join(out, 'basins.jsonl'), 'jesd-reproduce-basins', {
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

// ---------------------------------------------------------------------------------------------
// Theory

interface EsdTheory {
  point: ReproductionScale['esd']['points'][number];
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

const ESD_QUANTILES = [0.1, 0.5, 0.9];

/**
 * Progress weight of a theory unit at depth L, in "sampled networks": a population solve costs
 * about 7 quick-scale networks per layer at population 800 x 40 sweeps (measured on the quick run),
 * and scales with population x sweeps. Only the ETA uses it.
 */
function theoryWeight(scale: ReproductionScale, L: number): number {
  return Math.max(1, Math.round(7 * L * (scale.theory.populationSize * scale.theory.sweeps) / (800 * 40)));
}
/** Resolution floor of computed eigenvalues of J J^T, relative to the largest (see runTheory). */
export const ESD_FLOOR = 1e-28;

async function runTheory(scale: ReproductionScale, heavyBase: Omit<NetworkSpec, 'N' | 'L'>, lightBase: Omit<NetworkSpec, 'N' | 'L'>, esdRecords: EsdRecord[], opts: ReproduceOptions, out: string, progress: ProgressReporter) {
  const budget = { ...scale.theory };
  const units: TheoryUnit[] = [];
  for (const w of scale.heavy.widths) {
    for (const d of scale.heavy.depths) units.push({ key: `q|${w}|${d}`, kind: 'q', spec: { ...heavyBase, N: w, L: d }, budget });
  }
  const pointData = scale.esd.points.map((p) => {
    const recs = esdRecords.filter((r) => r.weights === p.weights && r.width === p.width && r.depth === p.depth).sort((a, b) => a.network - b.network);
    const sample = recs.flatMap((r) => r.squaredSingularValues).sort((a, b) => a - b);
    const spec: NetworkSpec = { ...(p.weights === 'gaussian' ? lightBase : heavyBase), N: p.width, L: p.depth };
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
      units.push({ key: `esd|${p.weights}|${p.width}|${p.depth}`, kind: 'esd', spec, grid, budget });
    }
    return { p, recs, sample, spec, reason };
  });
  const unitWeight = (u: TheoryUnit) => theoryWeight(scale, u.kind === 'q' ? u.spec.L : 4);
  progress.skip((scale.esd.points.length - units.filter((u) => u.kind === 'esd').length) * theoryWeight(scale, 4));
  const store = openUnitStore<TheoryRecord & UnitRecord>(join(out, 'theory.jsonl'), 'jesd-reproduce-theory', {
    seed: opts.seed, scale: scale.name, units: units.map((u) => ({ key: u.key, spec: u.spec, grid: u.grid ?? null, budget: u.budget })),
  }, { resume: opts.resume, units: new Map(units.map((u) => [u.key, {}])) });
  try {
    for (const u of units) if (store.done.has(u.key)) progress.skip(unitWeight(u));
    const todo = units.filter((u) => !store.done.has(u.key));
    await runPool<TheoryUnit, TheoryRecord>(todo, UNITS_URL, {
      workers: opts.workers, exportName: 'runTheoryUnit',
      onResult: (i, rec) => { store.append(rec as TheoryRecord & UnitRecord); progress.add(unitWeight(todo[i]!)); },
    });
  } finally {
    store.close();
  }
  const get = (key: string) => store.done.get(key)?.result;
  const qCurves: Availability<PredictedQCurve>[] = scale.heavy.widths.map((w) => {
    const pts = scale.heavy.depths.map((d) => get(`q|${w}|${d}`) as Availability<PredictedQPoint> | undefined);
    const failed = pts.find((r) => !r || !r.ok);
    if (failed) return { ok: false, reason: failed.ok === false ? failed.reason : 'missing theory record' };
    const vals = pts.map((r) => (r as { ok: true; value: PredictedQPoint }).value);
    const worst = Math.max(...vals.map((v) => v.maxResidual));
    return {
      ok: true,
      value: {
        width: w, depths: [...scale.heavy.depths], predictedQ: vals.map((v) => v.predictedQ),
        method: `Q_pred = 1 + N0 p_{>1}(N0, L), p_{>1} the predicted fraction of eigenvalues of J J^T above 1 from the heavy-tailed population dynamics (src/predict/qPrediction.ts; theory/06-fixed-points.md (6.4)-(6.6), a hypothesis of this project), population ${budget.populationSize}, ${budget.sweeps} sweeps, largest relative residual ${worst.toExponential(2)}`,
      },
    };
  });
  const esd: EsdTheory[] = pointData.map(({ p, recs, sample, spec, reason: r0 }) => {
    let reason = r0;
    let predicted: EsdTheory['predicted'] = null;
    const res = get(`esd|${p.weights}|${p.width}|${p.depth}`) as Availability<PredictedLaw> | undefined;
    if (res && res.ok) predicted = res.value;
    else if (res && !res.ok) reason = res.reason;
    const light = p.weights === 'gaussian';
    const fixedPoints = recs.reduce((s, r) => s + r.spectralRadii.length, 0);
    const sampledQuantiles = sample.length > 0 ? quantiles(Float64Array.from(sample), ESD_QUANTILES) : [];
    const predictedQuantiles = predicted ? ESD_QUANTILES.map((q) => gridQuantile(predicted!.x, predicted!.F, q)) : [];
    const ks = predicted ? kolmogorovOnGrid(sample, predicted.x, predicted.F) : null;
    return {
      point: p, spec, sample, networks: recs.length, fixedPoints, sampledQuantiles, predicted, predictedQuantiles, reason,
      comparison: { width: p.width, depth: p.depth, weights: p.weights, light, ks, eigenvalues: sample.length },
    };
  });
  return { qCurves, esd };
}

// ---------------------------------------------------------------------------------------------
// Figures

interface FigureNames {
  light: string;
  heavy: string;
  esd: string[];
  basins: string[];
}

function writeFigures(out: string, files: string[], scale: ReproductionScale, lightRows: QRow[], heavyRows: QRow[], curves: PredictedQCurve[], esd: EsdTheory[], basin: BasinResult, peaks: { width: number; peakDepth: number }[]): FigureNames {
  const names: FigureNames = { light: 'fig-light-q', heavy: 'fig-heavy-q', esd: [], basins: [] };
  // Light tails: mean Q over depth, one series per width.
  // Widths are drawn with a small horizontal offset (x 1.04 per width) so equal values stay visible.
  const markers = ['circle', 'square', 'triangle'] as const;
  const lightSeries: Series[] = scale.light.widths.map((w, k) => {
    const rs = lightRows.filter((r) => r.width === w);
    const shift = Math.pow(1.04, k - (scale.light.widths.length - 1) / 2);
    return { name: `N = ${w}`, x: rs.map((r) => r.depth * shift), y: rs.map((r) => r.meanQ), yErr: rs.map((r) => r.stderrQ ?? 0), mode: 'both', marker: markers[k % 3] };
  });
  const maxLight = Math.max(2, ...lightRows.map((r) => r.maxQ));
  writeFigure(out, names.light, linePlot(lightSeries, {
    title: 'Light tails (Gaussian weights): mean Q(N, L)', xLabel: 'depth L', yLabel: 'mean number of stable fixed points Q',
    xLog: true, yDomain: [0, maxLight + 0.5], referenceLines: [{ y: 1, label: 'Q = 1' }],
    caption: `Monte Carlo mean of Q over ${scale.light.networks} networks per point (${scale.light.starts} starts each), error bars 1 standard error; widths slightly offset in L so that equal values stay visible. The study's claim: Q = 1 at every N and L.`,
  }), files);
  // Heavy tails: MC mean with error bars, theory curve, P(Q>1).
  const heavySeries: Series[] = [];
  scale.heavy.widths.forEach((w, k) => {
    const rs = heavyRows.filter((r) => r.width === w);
    heavySeries.push({ name: `Monte Carlo mean Q, N = ${w}`, x: rs.map((r) => r.depth), y: rs.map((r) => r.meanQ), yErr: rs.map((r) => r.stderrQ ?? 0), mode: 'both', color: PALETTE[k % PALETTE.length] });
    const c = curves.find((cv) => cv.width === w);
    if (c) heavySeries.push({ name: `theory (ESD equation), N = ${w}`, x: c.depths, y: c.predictedQ, dashed: true, color: PALETTE[k % PALETTE.length] });
    heavySeries.push({ name: `P(Q > 1), N = ${w}`, x: rs.map((r) => r.depth), y: rs.map((r) => r.pQAbove1), mode: 'scatter', marker: 'triangle', color: PALETTE[(k + 1) % PALETTE.length] });
    heavySeries.push({ name: `P(Q = 0), N = ${w}`, x: rs.map((r) => r.depth), y: rs.map((r) => r.pQEquals0 ?? 0), mode: 'scatter', marker: 'square', color: PALETTE[(k + 2) % PALETTE.length] });
  });
  const peakText = peaks.map((p) => {
    const c = curves.find((cv) => cv.width === p.width);
    let tp = '';
    if (c) {
      let k = 0;
      c.predictedQ.forEach((q, i) => { if (q > c.predictedQ[k]!) k = i; });
      tp = `, theory peak at L=${c.depths[k]}`;
    }
    return `N=${p.width}: Monte Carlo peak at L=${p.peakDepth}${tp}`;
  }).join('; ');
  writeFigure(out, names.heavy, linePlot(heavySeries, {
    title: 'Heavy tails (Cauchy weights): Q(N0, L) over depth', xLabel: 'depth L', yLabel: 'mean Q (and shares of networks)',
    xLog: true, yDomain: [0, Math.max(1.5, ...heavyRows.map((r) => r.meanQ + (r.stderrQ ?? 0)), ...curves.flatMap((c) => c.predictedQ)) * 1.08],
    referenceLines: [
      { y: 1, label: 'Q = 1' },
      ...peaks.map((p) => ({ x: p.peakDepth, label: `MC peak L=${p.peakDepth}` })),
      ...curves.map((c) => {
        let k = 0;
        c.predictedQ.forEach((q, i) => { if (q > c.predictedQ[k]!) k = i; });
        return { x: c.depths[k]!, label: `theory peak L=${c.depths[k]}`, color: '#b03a2e', labelAtTop: true };
      }),
    ],
    caption: `Circles: Monte Carlo mean of Q over ${scale.heavy.networks} networks per depth (${scale.heavy.starts} starts each), error bars 1 standard error; triangles and squares: the shares of networks with Q > 1 and with Q = 0 (no stable fixed point), on the same axis; ${peakText}. ${curves.length > 0 ? 'Dashed: Q predicted from the ESD equation.' : 'No theory curve: the Q predictor was not available (see report.md).'}`,
  }), files);
  // ESD: histogram of u = log10(eigenvalue) (the spectra span many decades) vs the predicted
  // density of u, p(u) = rho(x) x ln 10 at x = 10^u (change of variables).
  esd.forEach((e) => {
    const top = e.sample[e.sample.length - 1] ?? 0;
    const positive = e.sample.filter((v) => v > 0 && v >= top * ESD_FLOOR);
    if (positive.length < 2) return;
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
    names.esd.push(name);
  });
  // Basins: one image per slice.
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
      names.basins.push(name);
    });
  }
  return names;
}

// ---------------------------------------------------------------------------------------------
// report.md

function reportMarkdown(a: {
  scale: ReproductionScale; opts: ReproduceOptions; lightConfig: SweepConfig; heavyConfig: SweepConfig;
  lightBase: Omit<NetworkSpec, 'N' | 'L'>; heavyBase: Omit<NetworkSpec, 'N' | 'L'>;
  lightRows: QRow[]; heavyRows: QRow[]; curves: PredictedQCurve[]; qReasons: string[];
  esd: EsdTheory[]; basin: BasinResult; verdicts: ClaimVerdict[]; figureNames: FigureNames; files: string[];
}): string {
  const { scale, opts } = a;
  const L: string[] = [];
  const specLine = (base: Omit<NetworkSpec, 'N' | 'L'>) => describeSpec({ ...base, N: 0, L: 0 }).replace(/^N=0 L=0 /, '');
  L.push('# Reproduction of the fixed-point study (arXiv 2501.04182)');
  L.push('');
  L.push(`Generated by \`jesd reproduce --scale ${scale.name} --seed ${opts.seed}\` (${packageVersion()}, Node ${process.versions.node}; the exact commit and linear-algebra backend are under Timings and environment). Every number below comes from the JSON Lines files in this directory; the verdicts are computed from the tables by the rules printed beside them.`);
  L.push('');
  L.push('## Verdicts');
  L.push('');
  L.push(mdTable(['claim', 'verdict', 'numbers'], a.verdicts.map((v) => [`**${v.id}** ${v.claim}`, `**${v.verdict}**`, v.evidence])));
  L.push('');
  L.push('Rules:');
  L.push('');
  for (const v of a.verdicts) L.push(`- **${v.id}**: ${v.rule}`);
  L.push('');
  L.push('## What was run');
  L.push('');
  L.push(`- Scale \`${scale.name}\`: ${scale.description}. Root seed ${opts.seed} (every network and start is drawn from a stream addressed by this seed, the grid point and the network index, so the results do not depend on the number of workers).`);
  L.push(`- Network configuration: the \`study\` preset (${PRESETS.study!.description}).`);
  L.push(`  - light tails: ${specLine(a.lightBase)}`);
  L.push(`  - heavy tails: ${specLine(a.heavyBase)}`);
  L.push(`- Fixed-point search: multistart (starts uniform in the activation's image box), iteration to convergence, Newton polish, de-duplication; Q = number of distinct stable fixed points (spectral radius of Df < 1). Options: maxIterations ${scale.fixedPointOptions.maxIterations}, maxPeriod ${scale.fixedPointOptions.maxPeriod}, other options at their defaults (src/fixedpoints/search.ts).`);
  L.push(`- Light tails: widths ${scale.light.widths.join(', ')}; depths ${scale.light.depths.join(', ')}; ${scale.light.networks} networks per point; ${scale.light.starts} starts per network.`);
  L.push(`- Heavy tails: widths ${scale.heavy.widths.join(', ')}; depths ${scale.heavy.depths.join(', ')}; ${scale.heavy.networks} networks per point; ${scale.heavy.starts} starts per network.`);
  L.push(`- ESD at fixed points: ${scale.esd.points.map((p) => `${p.weights} N=${p.width} L=${p.depth}`).join('; ')}; ${scale.esd.networks} networks each, ${scale.esd.starts} starts; prediction on a ${scale.esd.gridPoints}-point log grid.`);
  L.push(`- Basins: ${a.basin.spec ? `${a.basin.note}; ${a.basin.images.length} slice(s) of ${a.basin.resolution} x ${a.basin.resolution} starts (${a.basin.images.map((im) => im.slice.label).join('; ')}); fixed points listed first by a search with ${scale.basins.starts} starts.` : 'not run.'}`);
  L.push(`- Files: ${a.files.filter((f) => f.endsWith('.jsonl')).map((f) => `\`${f}\``).join(', ')} (raw records, one JSON line per unit, each file with a \`.meta.json\` run description), \`summary.json\` (the tables below), figures as SVG and PNG, \`timings.json\`.`);
  L.push('');

  L.push('## 1. Light tails: Q(N, L) = 1');
  L.push('');
  L.push(`![light tails](${a.figureNames.light}.svg)`);
  L.push('');
  L.push(mdTable(['N', 'L', 'networks', 'mean Q', 'min Q', 'max Q', 'P(Q = 1)', 'P(Q > 1)'],
    a.lightRows.map((r) => [r.width, r.depth, r.networks, r3(r.meanQ), r.minQ, r.maxQ, r3(r.pQEquals1), r3(r.pQAbove1)])));
  L.push('');

  L.push('## 2. Heavy tails: Q(N0, L) over depth');
  L.push('');
  L.push(`![heavy tails](${a.figureNames.heavy}.svg)`);
  L.push('');
  const theoryAt = (w: number, d: number) => {
    const c = a.curves.find((cv) => cv.width === w);
    if (!c) return 'not run';
    const i = c.depths.indexOf(d);
    return i < 0 ? 'n/a' : r3(c.predictedQ[i]!);
  };
  L.push(mdTable(['N', 'L', 'networks', 'mean Q', 'stderr', 'P(Q > 1)', 'P(Q = 0)', 'max Q', 'theory Q'],
    a.heavyRows.map((r) => [r.width, r.depth, r.networks, r3(r.meanQ), r.stderrQ === null ? 'n/a' : r3(r.stderrQ), r3(r.pQAbove1), r3(r.pQEquals0 ?? 0), r.maxQ, theoryAt(r.width, r.depth)])));
  L.push('');
  L.push('P(Q = 0): share of networks with no stable fixed point (every start ended on a periodic cycle or did not settle); such networks pull the mean below 1.');
  L.push('');
  for (const w of a.heavyConfig.widths) {
    const rs = a.heavyRows.filter((r) => r.width === w);
    let pk = rs[0]!;
    for (const r of rs) if (r.meanQ > pk.meanQ) pk = r;
    const c = a.curves.find((cv) => cv.width === w);
    let tp = '';
    if (c) {
      let k = 0;
      c.predictedQ.forEach((q, i) => { if (q > c.predictedQ[k]!) k = i; });
      tp = `; theory peak at L = ${c.depths[k]} (Q = ${r3(c.predictedQ[k]!)})`;
    }
    L.push(`- Peak depth, N = ${w}: Monte Carlo peak at L = ${pk.depth} (mean Q = ${r3(pk.meanQ)})${tp}.`);
  }
  if (a.curves.length > 0) L.push(`- Theory: ${a.curves[0]!.method}.`);
  else L.push(`- Theory curve: not run (${a.qReasons[0] ?? 'no predictor'}).`);
  L.push('');

  L.push('## 3. ESD of J J^T at fixed points: predicted vs sampled');
  L.push('');
  L.push(mdTable(['law', 'N', 'L', 'networks', 'stable fixed points', 'eigenvalues', 'sampled q10 / q50 / q90', 'predicted q10 / q50 / q90', 'predicted mass on grid', 'KS distance'],
    a.esd.map((e) => [
      e.point.weights, e.point.width, e.point.depth, e.networks, e.fixedPoints, e.sample.length,
      e.sampledQuantiles.map(sci).join(' / ') || 'n/a',
      e.predicted ? e.predictedQuantiles.map((q) => (q === null ? 'n/a' : sci(q))).join(' / ') : `not run (${e.reason})`,
      e.predicted ? r3(e.predicted.totalMass) : 'n/a',
      e.comparison.ks === null ? 'n/a' : e.comparison.ks.toFixed(3),
    ])));
  L.push('');
  for (const n of a.figureNames.esd) L.push(`![${n}](${n}.svg)`);
  L.push('');

  L.push('## 4. Basins of attraction');
  L.push('');
  if (a.basin.spec && a.basin.summary) {
    L.push(`Network: ${describeSpec(a.basin.spec)}, ${a.basin.note}.`);
    L.push('');
    const counts = new Map<number, number>();
    for (const im of a.basin.images) for (const c of im.cells) counts.set(c, (counts.get(c) ?? 0) + 1);
    const totalCells = a.basin.summary.starts;
    L.push(mdTable(['fixed point', 'stable', 'spectral radius of Df', 'share of image starts'],
      a.basin.fixedPoints.map((fp, k) => [`x*${k + 1}`, fp.stable ? 'yes' : 'no', Number.isFinite(fp.spectralRadius) ? fp.spectralRadius.toFixed(4) : 'n/a', r3((counts.get(k) ?? 0) / totalCells)])
        .concat([['cycles', '', '', r3((counts.get(CELL_CYCLE) ?? 0) / totalCells)], ['did not settle', '', '', r3((counts.get(CELL_UNSETTLED) ?? 0) / totalCells)]])));
    L.push('');
    for (const n of a.figureNames.basins) L.push(`![${n}](${n}.svg)`);
  } else {
    L.push('Not run.');
  }
  L.push('');
  return L.join('\n');
}
