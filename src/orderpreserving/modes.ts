/**
 * Order-preserving (OPT) and non-order-preserving (NPT) units over a sample set, the per-layer
 * distribution of active fractions, the linear-substitution check and the law of D^2 at a point
 * (theory/11-order-preserving.md sections 11.1-11.4). The definitions are reconstructions of
 * Lin, Zhang, Feng, Zhao (arXiv 2501.02436) from its abstract; docs/order-preserving.md says so.
 *
 * Works on any layered network (src/training/model.ts: widths may differ, one activation per layer);
 * the N -> N networks of src/network/network.ts convert through layeredFromNetwork.
 */
import { InvalidSpecError, NonConvergenceError, requireInteger } from '../errors.ts';
import { discreteFactor } from '../freeprob/closedFormLaws.ts';
import type { DiscreteFactor } from '../freeprob/multiplicative.ts';
import { getActivation } from '../laws/activations.ts';
import type { Network } from '../network/network.ts';
import type { ActivationName } from '../spec/networkSpec.ts';
import { STREAM, stream } from '../random/rng.ts';
import { forwardBatch } from '../training/backprop.ts';
import type { LayeredNet } from '../training/model.ts';
import { matrix, type Matrix } from '../types.ts';

/** sup phi' of each activation: the slope threshold of (11.1) is delta times this. */
export const SLOPE_MAX: Record<ActivationName, number> = { sigmoid: 0.25, tanh: 1, erf: 1, hardtanh: 1, relu: 1, linear: 1 };

/** Default relative slope threshold delta of (11.1). For relu and hardtanh any delta in (0, 1] gives the same census. */
export const DEFAULT_DELTA = 0.1;

export interface CensusOptions {
  /** Relative slope threshold delta in (0, 1] (11.1) (default DEFAULT_DELTA). */
  delta?: number;
  /** Bins of the active-fraction histogram on [0, 1] (default 10). */
  bins?: number;
}

export interface LayerCensus {
  /** 1-based layer index. */
  layer: number;
  width: number;
  activation: ActivationName;
  /** Absolute slope threshold delta sup phi' (11.1). */
  threshold: number;
  /** Units active on every sample (p_i = 1): order-preserving (11.2). */
  opt: number;
  /** Units inactive on some sample (p_i < 1), dead ones included (11.2). */
  npt: number;
  /** Units active on no sample (p_i = 0). */
  dead: number;
  optFraction: number;
  /** Active fraction p_i of every unit (11.2). */
  activeFractions: number[];
  /** Histogram of p_i: counts[k] holds edges[k] <= p < edges[k+1], p = 1 in the last bin. */
  histogram: { edges: number[]; counts: number[] };
  meanActiveFraction: number;
  /** Mean of phi'(z) over units and samples. */
  meanSlope: number;
}

export interface ModeCensus {
  samples: number;
  delta: number;
  layers: LayerCensus[];
}

/** The layered form of an N -> N network (same weight and bias arrays, not copied). */
export function layeredFromNetwork(net: Network): LayeredNet {
  const { N, L, activation } = net.spec;
  return { widths: new Array<number>(L + 1).fill(N), activations: new Array<ActivationName>(L).fill(activation), weights: net.weights, biases: net.biases };
}

/** Check that a sample matrix fits the network's input width and is finite; `field` names it in errors. */
export function checkSamples(net: LayeredNet, X: Matrix, field = 'samples'): Matrix {
  if (X.rows < 1) throw new InvalidSpecError(field, 'needs at least one sample');
  if (X.cols !== net.widths[0]) throw new InvalidSpecError(field, `samples must have the network's input width ${net.widths[0]}, got ${X.cols}`);
  for (let i = 0; i < X.data.length; i++) {
    if (!Number.isFinite(X.data[i]!)) throw new InvalidSpecError(field, `sample ${Math.floor(i / X.cols)} has a non-finite entry`);
  }
  return X;
}

/**
 * K inputs uniform in the input box of the first layer's activation (its range, as the fixed-point
 * starts): sample k from stream(seed, MODE_SAMPLE, k), so the set does not depend on the order of work.
 */
export function randomSamples(net: LayeredNet, K: number, seed: number): Matrix {
  requireInteger('samples', K, 1, 10_000_000);
  const d = net.widths[0]!;
  const [lo, hi] = getActivation(net.activations[0]!).range;
  const X = matrix(K, d);
  for (let k = 0; k < K; k++) {
    const rng = stream(seed, STREAM.MODE_SAMPLE, k);
    for (let i = 0; i < d; i++) X.data[k * d + i] = lo + (hi - lo) * rng.uniform();
  }
  return X;
}

function resolveDelta(delta: number | undefined): number {
  const d = delta ?? DEFAULT_DELTA;
  if (!(d > 0 && d <= 1)) throw new InvalidSpecError('delta', `must be in (0, 1], got ${d}`);
  return d;
}

/** Census of OPT/NPT units per layer over the rows of X ((11.1)-(11.2)). */
export function modeCensus(net: LayeredNet, X: Matrix, opts: CensusOptions = {}): ModeCensus {
  checkSamples(net, X);
  const delta = resolveDelta(opts.delta);
  const bins = requireInteger('bins', opts.bins ?? 10, 1, 1000);
  const { preacts } = forwardBatch(net, X);
  const m = X.rows;
  const layers: LayerCensus[] = preacts.map((H, l) => {
    const name = net.activations[l]!;
    const { dphi } = getActivation(name);
    const threshold = delta * SLOPE_MAX[name];
    const d = H.cols;
    const active = new Int32Array(d);
    let slopeSum = 0;
    for (let p = 0; p < m; p++) {
      const o = p * d;
      for (let i = 0; i < d; i++) {
        const s = dphi(H.data[o + i]!);
        slopeSum += s;
        if (s >= threshold) active[i]!++;
      }
    }
    const counts = new Array<number>(bins).fill(0);
    let opt = 0, dead = 0, pSum = 0;
    const activeFractions = Array.from(active, (a) => {
      if (a === m) opt++;
      if (a === 0) dead++;
      const p = a / m;
      pSum += p;
      counts[Math.min(bins - 1, Math.floor(p * bins))]!++;
      return p;
    });
    // Invariant: every unit is counted once in the histogram and in exactly one of OPT / NPT.
    if (counts.reduce((a, b) => a + b, 0) !== d) throw new NonConvergenceError(`layer ${l + 1}: histogram holds ${counts.reduce((a, b) => a + b, 0)} of ${d} units`);
    return {
      layer: l + 1, width: d, activation: name, threshold,
      opt, npt: d - opt, dead, optFraction: opt / d,
      activeFractions,
      histogram: { edges: Array.from({ length: bins + 1 }, (_, k) => k / bins), counts },
      meanActiveFraction: pSum / d,
      meanSlope: slopeSum / (m * d),
    };
  });
  return { samples: m, delta, layers };
}

/**
 * The law of D_l^2 at one input x: (1/d_l) sum_i delta at phi'(h_li)^2 per layer (11.5), as the
 * discrete factor the free-probability solver consumes (src/freeprob/laws.ts). For relu its atom at
 * 0 is the fraction of units inactive at x.
 */
export function pointD2Laws(net: LayeredNet, x: Float64Array): DiscreteFactor[] {
  const X = checkSamples(net, matrix(1, x.length, Float64Array.from(x)), 'x');
  const { preacts } = forwardBatch(net, X);
  return preacts.map((H, l) => {
    const { dphi } = getActivation(net.activations[l]!);
    const points = Array.from(H.data, (h) => dphi(h) ** 2);
    return discreteFactor(points, new Array<number>(points.length).fill(1 / points.length), `D^2 layer ${l + 1}`);
  });
}

/** Which units to replace by their local linear maps: per layer, one flag per unit. */
export type SubstitutionMask = boolean[][];

/** The mask of the OPT units (and, with `dead`, the dead ones) of a census. */
export function censusMask(census: ModeCensus, select: 'opt' | 'npt' | 'opt+dead', layer?: number): SubstitutionMask {
  return census.layers.map((c) => c.activeFractions.map((p) => {
    if (layer !== undefined && c.layer !== layer) return false;
    if (select === 'opt') return p === 1;
    if (select === 'npt') return p < 1;
    return p === 1 || p === 0;
  }));
}

export interface SubstitutionResult {
  /** Units replaced, per layer. */
  substituted: number[];
  /** max over samples and outputs of |y' - y|. */
  maxAbsChange: number;
  /** ||Y' - Y||_F / ||Y - mean(Y)||_F (11.4); 0 when nothing changed, null when the outputs do not vary over the samples but changed. */
  relativeChange: number | null;
}

/**
 * Linear-substitution check (11.4): every masked unit i of layer l is replaced by its tangent at the
 * mean pre-activation zbar_i of the original network over the samples, z -> s_i z + c_i with
 * s_i = phi'(zbar_i), c_i = phi(zbar_i) - s_i zbar_i; the network is run again on the samples and
 * the change of the outputs is reported. For relu an OPT unit has s_i = 1, c_i = 0 exactly, so
 * replacing all of them leaves every output bit-identical.
 */
export function linearSubstitution(net: LayeredNet, X: Matrix, mask: SubstitutionMask): SubstitutionResult {
  checkSamples(net, X);
  const L = net.weights.length;
  if (mask.length !== L) throw new InvalidSpecError('mask', `needs ${L} layers, got ${mask.length}`);
  mask.forEach((row, l) => {
    if (row.length !== net.widths[l + 1]) throw new InvalidSpecError(`mask[${l}]`, `needs ${net.widths[l + 1]} entries, got ${row.length}`);
  });
  const base = forwardBatch(net, X);
  const m = X.rows;
  const substituted: number[] = [];
  let cur = X;
  for (let l = 0; l < L; l++) {
    const H0 = base.preacts[l]!;
    const d = H0.cols;
    const { phi, dphi } = getActivation(net.activations[l]!);
    const slope = new Float64Array(d), icpt = new Float64Array(d);
    const row = mask[l]!;
    let count = 0;
    for (let i = 0; i < d; i++) {
      if (!row[i]) continue;
      count++;
      let s = 0;
      for (let p = 0; p < m; p++) s += H0.data[p * d + i]!;
      const zbar = s / m;
      slope[i] = dphi(zbar);
      icpt[i] = phi(zbar) - slope[i]! * zbar;
    }
    substituted.push(count);
    const W = net.weights[l]!;
    const b = net.biases[l]!;
    const H = forwardBatch({ widths: [net.widths[l]!, d], activations: ['linear'], weights: [W], biases: [b] }, cur).preacts[0]!;
    const out = matrix(m, d);
    for (let p = 0; p < m; p++) {
      const o = p * d;
      for (let i = 0; i < d; i++) {
        const h = H.data[o + i]!;
        out.data[o + i] = row[i] ? slope[i]! * h + icpt[i]! : phi(h);
      }
    }
    cur = out;
  }
  const Y = base.inputs[L]!;
  const dOut = Y.cols;
  let maxAbs = 0, diff2 = 0, var2 = 0;
  for (let i = 0; i < dOut; i++) {
    let mean = 0;
    for (let p = 0; p < m; p++) mean += Y.data[p * dOut + i]!;
    mean /= m;
    for (let p = 0; p < m; p++) {
      const y = Y.data[p * dOut + i]!;
      const dv = cur.data[p * dOut + i]! - y;
      maxAbs = Math.max(maxAbs, Math.abs(dv));
      diff2 += dv * dv;
      var2 += (y - mean) ** 2;
    }
  }
  if (!Number.isFinite(diff2)) throw new NonConvergenceError('linear substitution: the substituted network overflowed');
  return { substituted, maxAbsChange: maxAbs, relativeChange: diff2 === 0 ? 0 : var2 > 0 ? Math.sqrt(diff2 / var2) : null };
}
