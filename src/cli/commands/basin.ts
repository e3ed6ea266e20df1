/**
 * `jesd basin --network FILE | <network flags> | --diagonal GAIN,OFFSET --width N --space sample|weight
 * [--target fixed-points|label] [--json]` (docs/order-preserving.md): basin radii of the stable fixed
 * points (or of the class labels of samples) in sample space or weight space, by bisection along
 * random directions, with a Wilson interval and the number of evaluations
 * (src/orderpreserving/basinRadius.ts; theory/11-order-preserving.md (11.6)-(11.9)).
 */
import type { Command } from 'commander';
import { NonConvergenceError } from '../../errors.ts';
import { DIRECTION_KINDS } from '../../fixedpoints/basins.ts';
import { findFixedPoints, type FixedPointOptions } from '../../fixedpoints/search.ts';
import { createProgress } from '../../montecarlo/progress.ts';
import { networkFromWeights, type Network } from '../../network/network.ts';
import {
  DEFAULT_TAU, fixedPointBasin, fixedPointWeightOutcome, labelBasin, labelWeightOutcome, weightBasin, WEIGHT_DIRECTION_KINDS,
  type RayOptions, type RayRadius,
} from '../../orderpreserving/basinRadius.ts';
import { layeredFromNetwork } from '../../orderpreserving/modes.ts';
import { toNetwork } from '../../training/file.ts';
import { matrix } from '../../types.ts';
import { addNetworkFlags, parseChoice, parseInteger, parseNumber, parseNumberList, type RawNetworkFlags } from '../flags.ts';
import { checkOutputPath, FlagError, printJson, writeOutputFile } from '../io.ts';
import { linePlot } from '../../plot/svg.ts';
import { NETWORK_OPTION_HELP, readSamples, resolveLayered } from './modes.ts';

const SPACES = ['sample', 'weight'] as const;
const TARGETS = ['fixed-points', 'label'] as const;
/** Largest width of --diagonal: its 2^N corners are all listed. */
export const DIAGONAL_MAX_WIDTH = 8;

interface BasinFlags extends RawNetworkFlags {
  network?: string; diagonal?: string; space?: string; target?: string; samples?: string; sampleSeed?: string;
  directions?: string; directionKind?: string; tau?: string; tMax?: string; bisectionSteps?: string; directionSeed?: string;
  starts?: string; maxIterations?: string; tolerance?: string; json?: boolean; quiet?: boolean; plot?: string;
}

/** The coordinatewise map x -> sigmoid(GAIN x + OFFSET) on R^N (W = GAIN I, b = OFFSET 1), depth 1. */
export function diagonalNetwork(N: number, gain: number, offset: number): Network {
  const W = matrix(N, N);
  for (let i = 0; i < N; i++) W.data[i * N + i] = gain;
  return networkFromWeights('sigmoid', [W], [new Float64Array(N).fill(offset)]);
}

/** Radius of every point with its Wilson interval. */
function basinSvg(points: Record<string, unknown>[], title: string, description: string, target: string, tau: number): string {
  const x = points.map((_, i) => i + 1);
  const ci = points.map((p) => p.ci as [number, number]);
  return linePlot([{
    name: `r_tau (tau = ${tau}) with 95% Wilson interval`, x, y: points.map((p) => p.radius as number),
    yLo: ci.map((c) => c[0]), yHi: ci.map((c) => c[1]), mode: 'scatter',
  }], {
    title, xLabel: target === 'label' ? 'sample' : 'stable fixed point', yLabel: 'radius', legend: 'top-right',
    caption: `${description}. Largest perturbation kept along a fraction 1 - tau of random directions (theory (11.6)-(11.7)); rays that never leave the basin are censored at tMax.`,
  });
}

export function register(program: Command): void {
  const cmd = program
    .command('basin')
    .description('basin radii in sample space or weight space of every stable fixed point (or of the class label of samples): bisection along random directions, the radius kept along a fraction 1 - tau of directions with a Wilson interval, and the number of evaluations (a reconstruction of arXiv 2501.02436; docs/order-preserving.md)')
    .option('--diagonal <GAIN,OFFSET>', `the coordinatewise map x -> sigmoid(GAIN x + OFFSET) on R^N, N = --width (at most ${DIAGONAL_MAX_WIDTH}); replaces the other network flags`)
    .option('--space <s>', `${SPACES.join('|')}: perturb the input (sample) or every weight and bias as W (1 + eta Xi) (weight) (default sample)`)
    .option('--target <t>', `${TARGETS.join('|')}: the attractor reached by iterating the map, or the class label argmax f(x) of each sample (default fixed-points)`)
    .option('--samples <K|FILE>', 'with --target label: K random inputs, or a sample file (.json rows or CSV) of the network input width (default 10)')
    .option('--sample-seed <S>', 'with --target label: seed of the random inputs (default: the network seed, 1 for a file)')
    .option('--directions <D>', 'random directions per point (default 64; 2 with --direction-kind scale); at least 35 are needed for a non-zero lower confidence bound at tau = 0.1')
    .option('--direction-kind <k>', `sample space: ${DIRECTION_KINDS.join('|')}; weight space: ${WEIGHT_DIRECTION_KINDS.join('|')} (scale: all weights and biases times 1 - eta and 1 + eta) (default sphere)`)
    .option('--tau <t>', `the radius is kept along a fraction 1 - tau of directions, tau in [0, 1) (default ${DEFAULT_TAU})`)
    .option('--t-max <T>', 'largest perturbation searched (default: the diameter of the input box in sample space, 1 in weight space)')
    .option('--bisection-steps <B>', 'bisection halvings per direction after an 8-point grid (default 20)')
    .option('--direction-seed <S>', 'seed of the directions (default: the network seed, 1 for a file)')
    .option('--starts <K>', 'random starts of the fixed-point search (default 200; 16 x 2^N with --diagonal)')
    .option('--max-iterations <T>', 'iterations of x <- f(x) before a run counts as unsettled (default 2000)')
    .option('--tolerance <eps>', 'settling tolerance of the iteration (default 1e-9 in sample space, 1e-6 in weight space)')
    .option('--network <k|FILE>', NETWORK_OPTION_HELP)
    .option('--plot <FILE.svg>', 'write the radius of every point with its interval as an SVG figure')
    .option('--quiet', 'no progress on stderr')
    .option('--json', 'print one JSON document on stdout');
  addNetworkFlags(cmd);
  cmd.action((raw: BasinFlags) => {
    const space = parseChoice('--space', raw.space ?? 'sample', SPACES);
    const target = parseChoice('--target', raw.target ?? 'fixed-points', TARGETS);
    const kinds: readonly string[] = space === 'sample' ? DIRECTION_KINDS : WEIGHT_DIRECTION_KINDS;
    const kind = parseChoice('--direction-kind', raw.directionKind ?? 'sphere', kinds);
    if (kind === 'coordinate' && target === 'label') throw new FlagError('--direction-kind', 'coordinate directions apply to fixed-point targets only (labels use sphere directions)');
    const tau = raw.tau !== undefined ? parseNumber('--tau', raw.tau) : DEFAULT_TAU;
    if (!(tau >= 0 && tau < 1)) throw new FlagError('--tau', `must be in [0, 1), got ${raw.tau}`);
    const tMax = raw.tMax !== undefined ? parseNumber('--t-max', raw.tMax) : undefined;
    if (tMax !== undefined && !(tMax > 0)) throw new FlagError('--t-max', `must be > 0, got ${raw.tMax}`);
    const steps = parseInteger('--bisection-steps', raw.bisectionSteps ?? '20', 0, 60);
    const directions = raw.directions !== undefined ? parseInteger('--directions', raw.directions, 1, 100_000) : undefined;
    const tolerance = raw.tolerance !== undefined ? parseNumber('--tolerance', raw.tolerance) : space === 'weight' ? 1e-6 : 1e-9;
    if (!(tolerance > 0)) throw new FlagError('--tolerance', `must be > 0, got ${raw.tolerance}`);
    const maxIterations = parseInteger('--max-iterations', raw.maxIterations ?? '2000', 1, 100_000_000);
    if (target === 'fixed-points' && (raw.samples !== undefined || raw.sampleSeed !== undefined)) {
      throw new FlagError(raw.samples !== undefined ? '--samples' : '--sample-seed', 'applies only with --target label');
    }
    if (target === 'label') {
      for (const [flag, v] of [['--starts', raw.starts], ['--max-iterations', raw.maxIterations], ['--tolerance', raw.tolerance]] as const) {
        if (v !== undefined) throw new FlagError(flag, 'applies only with --target fixed-points (it configures the iteration of the map)');
      }
    }
    if (raw.sampleSeed !== undefined && raw.samples !== undefined && !/^[0-9]+$/.test(raw.samples)) throw new FlagError('--sample-seed', 'applies only to random samples (--samples K), not to a sample file');
    if (raw.plot !== undefined) checkOutputPath('--plot', raw.plot);

    // The network: --diagonal, a file, or the sampling flags.
    let layered, description: string, seed: number, fixedNet: Network | null = null, defaultStarts = 200;
    if (raw.diagonal !== undefined) {
      for (const [k, flag] of [['network', '--network'], ['depth', '--depth'], ['activation', '--activation'], ['weights', '--weights'], ['alpha', '--alpha'], ['sigmaW', '--sigma-w'], ['bias', '--bias'], ['sigmaB', '--sigma-b'], ['scaling', '--scaling'], ['preset', '--preset']] as const) {
        if (raw[k] !== undefined) throw new FlagError(flag, 'does not apply with --diagonal (the network is x -> sigmoid(GAIN x + OFFSET) coordinatewise)');
      }
      const gv = parseNumberList('--diagonal', raw.diagonal);
      if (gv.length !== 2 || !/^[^,]+,[^,]+$/.test(raw.diagonal)) throw new FlagError('--diagonal', `expected GAIN,OFFSET (two numbers), got ${JSON.stringify(raw.diagonal)}`);
      if (raw.width === undefined) throw new FlagError('--width', 'is required with --diagonal');
      const N = parseInteger('--width', raw.width, 1, DIAGONAL_MAX_WIDTH);
      fixedNet = diagonalNetwork(N, gv[0]!, gv[1]!);
      layered = layeredFromNetwork(fixedNet);
      description = `diagonal map x -> sigmoid(${gv[0]} x ${gv[1]! < 0 ? '-' : '+'} ${Math.abs(gv[1]!)}) on R^${N}`;
      seed = raw.seed !== undefined ? parseInteger('--seed', raw.seed, 0) : 1;
      defaultStarts = Math.max(200, 16 * 2 ** N);
    } else {
      const r = resolveLayered(raw);
      layered = r.net;
      description = r.description;
      seed = r.seed;
      if (target === 'fixed-points') fixedNet = toNetwork(layered, r.file ?? 'network');
    }
    const directionSeed = raw.directionSeed !== undefined ? parseInteger('--direction-seed', raw.directionSeed, 0) : seed;
    const ray: RayOptions = { tau, bisectionSteps: steps, seed: directionSeed, ...(tMax !== undefined ? { tMax } : {}), ...(directions !== undefined ? { directions } : {}) };
    const search: FixedPointOptions = { maxIterations, tolerance };

    const points: Record<string, unknown>[] = [];
    const doc: Record<string, unknown> = { network: description, space, target, directionKind: kind, tau };
    const out = (r: RayRadius, extra: Record<string, unknown>) => ({
      ...extra, radius: r.radius, ci: r.ci, lowerBoundOnly: r.lowerBoundOnly, directions: r.directions, censored: r.censored, evaluations: r.evaluations,
      ...('mapEvaluations' in r ? { mapEvaluations: (r as RayRadius & { mapEvaluations: number }).mapEvaluations } : {}),
      tMax: r.tMax, resolution: r.resolution,
    });
    if (target === 'fixed-points') {
      const net = fixedNet!;
      const starts = parseInteger('--starts', raw.starts ?? String(defaultStarts), 1, 10_000_000);
      const res = findFixedPoints(net, { starts, maxIterations, tolerance: Math.min(tolerance, 1e-9), seed });
      const stable = res.fixedPoints.filter((f) => f.stable);
      if (stable.length === 0) throw new NonConvergenceError(`no stable fixed point found from ${starts} starts (cycles: ${res.cycles.length}, unsettled share ${res.unsettledShare})`, res.diagnostics);
      doc.Q = res.Q;
      doc.starts = starts;
      const progress = createProgress({ total: stable.length, label: 'basin', units: 'fixed points', quiet: raw.quiet === true });
      stable.forEach((f, k) => {
        const r = space === 'sample'
          ? fixedPointBasin(net, f, { ...ray, tag: k, directionKind: kind as 'sphere' | 'coordinate', search })
          : weightBasin(layered, fixedPointWeightOutcome(stable.map((s) => s.x), k, search), { ...ray, tag: k, directionKind: kind as 'sphere' | 'scale' });
        points.push(out(r, { x: Array.from(f.x), spectralRadius: f.spectralRadius, basinShare: f.basinShare }));
        progress.add(1);
      });
      progress.stop();
    } else {
      const sampleSeed = raw.sampleSeed !== undefined ? parseInteger('--sample-seed', raw.sampleSeed, 0) : seed;
      const { X, source } = readSamples('--samples', raw.samples ?? '10', layered, sampleSeed);
      doc.sampleSource = source;
      const d = X.cols;
      const progress = createProgress({ total: X.rows, label: 'basin', units: 'samples', quiet: raw.quiet === true });
      for (let k = 0; k < X.rows; k++) {
        const x = X.data.slice(k * d, (k + 1) * d);
        if (space === 'sample') {
          const r = labelBasin(layered, x, { ...ray, tag: k });
          points.push(out(r, { sample: k, label: r.label }));
        } else {
          const r = weightBasin(layered, labelWeightOutcome(layered, x), { ...ray, tag: k, directionKind: kind as 'sphere' | 'scale' });
          points.push(out(r, { sample: k }));
        }
        progress.add(1);
      }
      progress.stop();
    }
    doc.points = points;
    if (raw.plot !== undefined) writeOutputFile('--plot', raw.plot, basinSvg(points, `${space === 'sample' ? 'Sample' : 'Weight'}-space basin radius per ${target === 'label' ? 'sample label' : 'stable fixed point'}`, description, target, tau));
    if (raw.json) {
      printJson(doc);
      return;
    }
    const lines = [
      description,
      `${space}-space basin radius of each ${target === 'label' ? 'sample label' : 'stable fixed point'} (kept along ${(100 * (1 - tau)).toFixed(0)}% of ${kind} directions; 95% Wilson interval)` +
        (doc.Q !== undefined ? `; Q = ${doc.Q}` : ''),
      ...points.map((p, i) => `  ${target === 'label' ? `sample ${p.sample}${p.label !== undefined ? ` (label ${p.label})` : ''}` : `fixed point ${i + 1} (rho ${(p.spectralRadius as number).toPrecision(6)})`}: radius ${(p.radius as number).toPrecision(7)}${p.lowerBoundOnly ? ' (a lower bound: the basin reaches past --t-max)' : ''} [${(p.ci as number[]).map((v) => v.toPrecision(4)).join(', ')}], ${p.censored}/${p.directions} directions censored at ${(p.tMax as number).toPrecision(4)}, ${p.evaluations} evaluations`),
    ];
    process.stdout.write(lines.join('\n') + '\n');
  });
}
