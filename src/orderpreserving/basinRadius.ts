/**
 * Basin radii in sample space and in weight space, by bisection along random directions, with a
 * Wilson confidence interval and the number of evaluations (theory/11-order-preserving.md sections
 * 11.5-11.6). The radius definition is a reconstruction of Lin, Zhang, Feng, Zhao (arXiv 2501.02436):
 *
 *   r_tau = sup{ t : P_u[ outcome(t u) = outcome(0) ] >= 1 - tau }                        (11.6)
 *
 * where t u is a perturbation of size t along a random direction u (of the input, or of the
 * weights), and the outcome is the attractor reached by iterating the map (a stable fixed point),
 * or the class label argmax of the output. Each ray is searched by the grid-and-bisection of
 * src/fixedpoints/basins.ts (bisectRays; theory (8.4)); r_tau and its interval come from the
 * per-ray radii by (11.6)-(11.7).
 *
 * Randomness: sample-space directions around a fixed point are those of basins.ts
 * (stream(seed, NETWORK, index, DIRECTION, tag, j)); around a classified sample
 * stream(seed, LABEL_DIRECTION, tag, j); weight-space directions stream(seed, WEIGHT_DIRECTION, tag, j).
 * Nothing depends on the order of evaluation or on the number of workers.
 */
import { InvalidSpecError, requireInteger, requirePositive } from '../errors.ts';
import { basinRadius, bisectRays, sphereDirection, type DirectionKind } from '../fixedpoints/basins.ts';
import { classifyStarts, type FixedPoint, type FixedPointOptions } from '../fixedpoints/search.ts';
import { getActivation } from '../laws/activations.ts';
import { wilsonInterval } from '../numerics/stats.ts';
import { networkFromWeights, type Network } from '../network/network.ts';
import { STREAM, stream } from '../random/rng.ts';
import { forwardBatch } from '../training/backprop.ts';
import type { LayeredNet } from '../training/model.ts';
import { matrix, type Matrix } from '../types.ts';

/** Default tau of (11.6): the radius kept along 90% of directions. */
export const DEFAULT_TAU = 0.1;

export const WEIGHT_DIRECTION_KINDS = ['sphere', 'scale'] as const;
export type WeightDirectionKind = (typeof WEIGHT_DIRECTION_KINDS)[number];

export interface RayOptions {
  /** Number of directions D (default 64). */
  directions?: number;
  /** tau in [0, 1) of (11.6) (default DEFAULT_TAU). */
  tau?: number;
  /** Confidence level of the Wilson interval (default 0.95). */
  confidence?: number;
  /** Longest perturbation searched. */
  tMax?: number;
  /** Coarse grid points per ray (default 8). */
  gridPoints?: number;
  /** Bisection halvings after the grid (default 20). */
  bisectionSteps?: number;
  /** Root seed of the directions. */
  seed?: number;
  /** Stream path component naming the centre (e.g. the index of the fixed point or sample; default 0). */
  tag?: number;
}

export interface RayRadius {
  /** r_tau of (11.6), estimated by the order statistic r_(floor(tau D) + 1). */
  radius: number;
  /** Wilson interval of r_tau (11.7). */
  ci: [number, number];
  tau: number;
  confidence: number;
  directions: number;
  /** Rays that kept the outcome up to tMax (their radius is tMax). */
  censored: number;
  /** True when radius = tMax: the basin reaches past the searched range, so the radius is only a lower bound. */
  lowerBoundOnly: boolean;
  tMax: number;
  /** Every per-ray radius is within this of the first crossing found on its ray. */
  resolution: number;
  /** Outcome evaluations (sample space: map evaluations f(x) or forward passes; weight space: perturbed networks). */
  evaluations: number;
  /** Per-ray radii in direction order. */
  radii: number[];
}

function resolveRay(opts: RayOptions, defaults: { directions: number; tMax: number; seed: number }) {
  const tau = opts.tau ?? DEFAULT_TAU;
  if (!(tau >= 0 && tau < 1)) throw new InvalidSpecError('tau', `must be in [0, 1), got ${tau}`);
  const confidence = opts.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new InvalidSpecError('confidence', `must be in (0, 1), got ${confidence}`);
  return {
    D: requireInteger('directions', opts.directions ?? defaults.directions, 1, 1_000_000),
    tau, confidence,
    tMax: requirePositive('tMax', opts.tMax ?? defaults.tMax),
    G: requireInteger('gridPoints', opts.gridPoints ?? 8, 1, 10_000),
    steps: requireInteger('bisectionSteps', opts.bisectionSteps ?? 20, 0, 60),
    seed: requireInteger('seed', opts.seed ?? defaults.seed, 0),
    tag: requireInteger('tag', opts.tag ?? 0, 0, 0xffffffff),
  };
}

/**
 * r_tau and its Wilson interval from per-ray radii (11.6)-(11.7). With k(t) = #{j : r_j >= t} the
 * rays that keep the outcome at t, r_tau = sup{t : k(t)/D >= 1 - tau} = r_(floor(tau D) + 1); the
 * interval holds every t at which the Wilson interval of k(t)/D contains 1 - tau:
 * lo = r_(i-1) for the smallest i with Wilson-lower(D - i + 1, D) <= 1 - tau (r_(0) = 0), hi = r_(i)
 * for the largest i with Wilson-upper(D - i + 1, D) >= 1 - tau (tMax when even k = 0 is not excluded).
 */
export function radiusFromRays(radii: ArrayLike<number>, tMax: number, tau: number, confidence = 0.95): { radius: number; ci: [number, number] } {
  const D = radii.length;
  if (D === 0) throw new InvalidSpecError('radii', 'need at least one ray');
  const r = Float64Array.from(radii).sort();
  const at = (i: number) => (i <= 0 ? 0 : i > D ? tMax : r[i - 1]!);
  const i0 = Math.min(D, Math.floor(tau * D + 1e-9) + 1);
  const target = 1 - tau;
  let lo = 0;
  for (let i = 1; i <= D + 1; i++) {
    if (wilsonInterval(D - i + 1, D, confidence).lower <= target) {
      lo = at(i - 1);
      break;
    }
  }
  let hi = at(1);
  for (let i = D + 1; i >= 1; i--) {
    if (wilsonInterval(D - i + 1, D, confidence).upper >= target) {
      hi = at(i);
      break;
    }
  }
  return { radius: at(i0), ci: [lo, hi] };
}

function finish(radii: ArrayLike<number>, o: ReturnType<typeof resolveRay>, evaluations: number): RayRadius {
  const list = Array.from(radii);
  const { radius, ci } = radiusFromRays(list, o.tMax, o.tau, o.confidence);
  return {
    radius, ci, tau: o.tau, confidence: o.confidence, directions: o.D,
    censored: list.filter((v) => v === o.tMax).length,
    lowerBoundOnly: radius >= o.tMax,
    tMax: o.tMax, resolution: o.tMax / o.G / 2 ** o.steps, evaluations, radii: list,
  };
}

export interface FixedPointBasinOptions extends RayOptions {
  /** 'sphere' (default) or 'coordinate' (+-e_i) directions (src/fixedpoints/basins.ts). */
  directionKind?: DirectionKind;
  /** Options of the iteration that classifies each point. */
  search?: FixedPointOptions;
}

/**
 * Sample-space radius (11.6) of a stable fixed point of an N -> N network: the rays of basinRadius
 * (src/fixedpoints/basins.ts, (8.4)), summarised by (11.6)-(11.7). Default tMax: the diameter of the
 * activation's range box.
 */
export function fixedPointBasin(net: Network, center: FixedPoint, opts: FixedPointBasinOptions = {}): RayRadius {
  const [lo, hi] = net.activation.range;
  const o = resolveRay(opts, { directions: 64, tMax: Math.sqrt(net.spec.N) * (hi - lo), seed: net.spec.seed });
  const b = basinRadius(net, center, {
    directions: o.D, directionKind: opts.directionKind ?? 'sphere', tMax: o.tMax, gridPoints: o.G, bisectionSteps: o.steps,
    seed: o.seed, tag: o.tag, ...(opts.search ? { search: opts.search } : {}),
  });
  return finish(b.radii, o, b.evaluations);
}

/** Class label: index of the largest output (the first one on ties). */
export function argmax(Y: Matrix, row: number): number {
  let best = 0;
  for (let i = 1; i < Y.cols; i++) if (Y.data[row * Y.cols + i]! > Y.data[row * Y.cols + best]!) best = i;
  return best;
}

function requireClassifier(net: LayeredNet): void {
  if (net.widths[net.widths.length - 1]! < 2) throw new InvalidSpecError('--target', 'label needs a network with at least 2 outputs (the label is the largest output)');
}

/**
 * Sample-space radius (11.6) of the class label argmax f(x) of the sample x. Directions uniform on
 * the sphere; default tMax the diameter of the first activation's range box.
 */
export function labelBasin(net: LayeredNet, x: Float64Array, opts: RayOptions = {}): RayRadius & { label: number } {
  requireClassifier(net);
  const d = net.widths[0]!;
  if (x.length !== d) throw new InvalidSpecError('x', `must have length ${d}, got ${x.length}`);
  const [lo, hi] = getActivation(net.activations[0]!).range;
  const o = resolveRay(opts, { directions: 64, tMax: Math.sqrt(d) * (hi - lo), seed: 1 });
  const label = argmax(forwardBatch(net, matrix(1, d, Float64Array.from(x))).inputs.at(-1)!, 0);
  const dirs = Array.from({ length: o.D }, (_, j) => sphereDirection(d, stream(o.seed, STREAM.LABEL_DIRECTION, o.tag, j)));
  let evaluations = 0;
  const keeps = (items: { j: number; t: number }[]): boolean[] => {
    if (items.length === 0) return [];
    const X = matrix(items.length, d);
    items.forEach(({ j, t }, r) => {
      const u = dirs[j]!;
      for (let i = 0; i < d; i++) X.data[r * d + i] = x[i]! + t * u[i]!;
    });
    evaluations += items.length;
    const Y = forwardBatch(net, X).inputs.at(-1)!;
    return items.map((_, r) => argmax(Y, r) === label);
  };
  const { radii } = bisectRays(o.D, o.tMax, o.G, o.steps, keeps);
  return { ...finish(radii, o, evaluations), label };
}

/** Number of parameters (weights and biases) of a layered network. */
export function parameterCount(net: LayeredNet): number {
  return net.weights.reduce((a, w, l) => a + w.data.length + net.biases[l]!.length, 0);
}

/**
 * Weight-space direction j (11.8): 'sphere': Xi uniform on the sphere of R^P scaled to RMS 1
 * (norm sqrt(P)), from stream(seed, WEIGHT_DIRECTION, tag, j); 'scale': every entry -1 (even j) or
 * +1 (odd j), i.e. all weights and biases scaled by (1 + eta) or (1 - eta) together.
 */
export function weightDirection(net: LayeredNet, kind: WeightDirectionKind, seed: number, tag: number, j: number): Float64Array {
  const P = parameterCount(net);
  if (kind === 'scale') return new Float64Array(P).fill(j % 2 === 0 ? -1 : 1);
  const u = sphereDirection(P, stream(seed, STREAM.WEIGHT_DIRECTION, tag, j));
  const s = Math.sqrt(P);
  for (let i = 0; i < P; i++) u[i] = u[i]! * s;
  return u;
}

/** W -> W (1 + eta Xi) entrywise, weights then biases layer by layer in Xi's order (11.8). */
export function perturbWeights(net: LayeredNet, xi: Float64Array, eta: number): LayeredNet {
  let k = 0;
  const weights = net.weights.map((w) => matrix(w.rows, w.cols, Float64Array.from(w.data, (v) => v * (1 + eta * xi[k++]!))));
  const biases = net.biases.map((b) => Float64Array.from(b, (v) => v * (1 + eta * xi[k++]!)));
  return { widths: [...net.widths], activations: [...net.activations], weights, biases };
}

/** Outcome test of a perturbed network: kept or not, and the map evaluations it spent. */
export type WeightOutcome = (perturbed: LayeredNet) => { kept: boolean; evaluations: number };

export interface WeightBasinOptions extends RayOptions {
  /** Direction kind (default 'sphere'). */
  directionKind?: WeightDirectionKind;
}

/** Weight-space radius (11.6) with perturbations (11.8) and the given outcome test; default tMax (largest eta) 1. */
export function weightBasin(net: LayeredNet, outcome: WeightOutcome, opts: WeightBasinOptions = {}): RayRadius & { mapEvaluations: number } {
  const kind = opts.directionKind ?? 'sphere';
  if (!(WEIGHT_DIRECTION_KINDS as readonly string[]).includes(kind)) throw new InvalidSpecError('directionKind', `must be one of ${WEIGHT_DIRECTION_KINDS.join('|')}, got ${JSON.stringify(kind)}`);
  // 'scale' has two directions (-1 and +1): default D = 2 there.
  const o = resolveRay(opts, { directions: kind === 'scale' ? 2 : 64, tMax: 1, seed: 1 });
  const dirs = Array.from({ length: o.D }, (_, j) => weightDirection(net, kind, o.seed, o.tag, j));
  let evaluations = 0, mapEvaluations = 0;
  const keeps = (items: { j: number; t: number }[]): boolean[] => items.map(({ j, t }) => {
    const r = outcome(perturbWeights(net, dirs[j]!, t));
    evaluations++;
    mapEvaluations += r.evaluations;
    return r.kept;
  });
  const { radii } = bisectRays(o.D, o.tMax, o.G, o.steps, keeps);
  return { ...finish(radii, o, evaluations), mapEvaluations };
}

/**
 * Outcome test for the stable fixed point k of a list (11.9): iterate the perturbed map from every
 * listed point; kept when the orbit from point k settles on a stable fixed point and no orbit from
 * another listed point settles on the same one (the attractor persists and stays separate).
 */
export function fixedPointWeightOutcome(stable: Float64Array[], k: number, search?: FixedPointOptions): WeightOutcome {
  if (!(k >= 0 && k < stable.length)) throw new InvalidSpecError('k', `must index one of the ${stable.length} stable fixed points`);
  const N = stable[0]!.length;
  const X = matrix(stable.length, N);
  stable.forEach((x, r) => X.data.set(x, r * N));
  return (perturbed) => {
    const a = perturbed.activations[0]!;
    if (!perturbed.activations.every((v) => v === a) || !perturbed.widths.every((d) => d === N)) {
      throw new InvalidSpecError('network', 'fixed-point basins need an N -> N network with one activation');
    }
    const net = networkFromWeights(a, perturbed.weights, perturbed.biases);
    const res = classifyStarts(net, X, [], search);
    const own = res.outcomes[k]!;
    if (own.kind !== 'fixed' || !res.fixedPoints[own.index]!.stable) return { kept: false, evaluations: res.evaluations };
    const shared = res.outcomes.some((out, r) => r !== k && out.kind === 'fixed' && out.index === own.index);
    return { kept: !shared, evaluations: res.evaluations };
  };
}

/** Outcome test for the class label of the sample x (11.9): kept while argmax f(x) does not change. */
export function labelWeightOutcome(net: LayeredNet, x: Float64Array): WeightOutcome {
  requireClassifier(net);
  const X = matrix(1, x.length, Float64Array.from(x));
  const label = argmax(forwardBatch(net, X).inputs.at(-1)!, 0);
  return (perturbed) => ({ kept: argmax(forwardBatch(perturbed, X).inputs.at(-1)!, 0) === label, evaluations: 1 });
}
