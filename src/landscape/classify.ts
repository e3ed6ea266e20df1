/**
 * Stationarity, escape neurons and the local-minimum / saddle classification of a point of the
 * shallow network's loss landscape (theory/09-landscape.md sections 9.3-9.6), the perturbation test
 * of the authors' notebooks, neuron embedding, and the link to fixed points: a stationary point is a
 * fixed point of the GD map Phi(theta) = theta - eta grad L, and an escape neuron is an eigenvalue
 * of Phi's Jacobian above 1 (9.12).
 */
import { NonConvergenceError, InvalidSpecError } from '../errors.ts';
import { spectralRadiusDense } from '../fixedpoints/search.ts';
import { linalg } from '../linalg/index.ts';
import { STREAM, stream } from '../random/rng.ts';
import { matrix } from '../types.ts';
import { cloneShallow, residuals, rho, shallowGradient, shallowLoss, type LandscapeData, type ShallowNet } from './model.ts';
import { arrangementRegions, dataSectors, dot, minOverCone, norm, row, sectorMatrix, signKey, type Vec } from './sectors.ts';

export interface NeuronResiduals {
  neuron: number;
  /** ||dL/dh_i|| = c ||D_S w_i|| (9.8a). */
  outputDerivative: number;
  /** Radial derivative c h_i^T D_S w_i / ||w_i|| (9.8b) (0 for w_i = 0). */
  radial: number;
  /** Smallest one-sided directional derivative of L in w_i over unit directions, -c dist(D_S^T h_i, cone) (9.9). */
  minDirectional: number;
  /** Data points on the neuron's hyperplanes (w_i . x_n = 0); all of them for a zero neuron. */
  onBoundary: number[];
}

export interface EscapeNeuron {
  neuron: number;
  /** Sign vector of the sector S, one + or - per data point. */
  sector: string;
  /** Escape strength c sigma_max(D_S) (9.11). */
  strength: number;
  /** Largest |eigenvalue| of the (w_i, h_i) block of the GD map's Jacobian in S, by linalg eigenvalues (9.12). */
  gdMultiplier: number;
  /** Descent path w_i + t v, h_i - t s D_S v (9.10), scalar output only. */
  descent: { v: number[]; t: number; s: number; deltaLoss: number } | null;
}

export interface PerturbationTest {
  draws: number;
  amplitude: number;
  /** Parameters perturbed: those of neurons active on some data point. */
  parameters: number;
  minDeltaLoss: number;
  /** Draws that lowered the loss by more than 1e-12 L. */
  descents: number;
}

export interface Classification {
  classification: 'local-min' | 'saddle' | 'undecided';
  reason: string;
  stationary: boolean;
  tol: number;
  escapeTol: number;
  loss: number;
  residuals: { maxOutputDerivative: number; maxRadial: number; minDirectional: number; worstNeuron: number };
  /** ||Phi(theta) - theta||_inf = eta ||grad L||_inf when lr is given: a stationary point is a fixed point of Phi. */
  gdFixedPointResidual: number | null;
  escapeNeurons: EscapeNeuron[];
  perturbation: PerturbationTest | null;
}

export interface ClassifyOptions {
  /** Stationarity and escape tolerance on derivatives (default 1e-6). */
  tol?: number;
  /** Relative tolerance for w_i . x_n = 0 (default 1e-9; plateau points need about 1e-4: GD approaches a boundary only slowly). */
  boundaryTol?: number;
  /** D_S counts as non-zero when c sigma_max(D_S) > escapeTol (default 100 tol: above the residual noise of a fit). */
  escapeTol?: number;
  /** GD learning rate, for the GD-map multipliers (default 1e-3). */
  lr?: number;
  /** Perturbation test draws (0: none). Default 5000. */
  draws?: number;
  seed?: number;
}

const sgnOf = (z: number) => (z >= 0 ? 1 : -1);

/** Per-neuron residuals (9.8)-(9.9) and the adjacent sectors of each neuron. */
export function neuronResiduals(net: ShallowNet, data: LandscapeData, i: number, E: Float64Array, boundaryTol = 1e-4): { res: NeuronResiduals; adjacent: { signs: Int8Array; cone: Vec[] }[] } {
  const { X } = data;
  const N = X.rows, d = net.d, k = net.k;
  const c = 2 / (N * k);
  const w = net.W.subarray(i * d, (i + 1) * d);
  const h = net.H.subarray(i * k, (i + 1) * k);
  const wn = norm(w);
  const z = Float64Array.from({ length: N }, (_, n) => dot(w, row(X, n)));
  const onBoundary: number[] = [];
  for (let n = 0; n < N; n++) if (norm(row(X, n)) > 0 && Math.abs(z[n]!) <= boundaryTol * wn * norm(row(X, n))) onBoundary.push(n);
  const base = Int8Array.from(z, sgnOf);
  // Adjacent sectors: the regions of the hyperplanes through w_i, entered from w_i.
  const G = onBoundary.map((n) => Float64Array.from(row(X, n)));
  const dirs = onBoundary.length ? arrangementRegions(G, d) : [];
  const adjacent = (onBoundary.length ? dirs : [null]).map((v) => {
    const signs = Int8Array.from(base);
    const cone: Vec[] = [];
    if (v) for (const n of onBoundary) { const s = sgnOf(dot(v, row(X, n))); signs[n] = s; cone.push(Float64Array.from(row(X, n), (x) => s * x)); }
    return { signs, cone };
  });
  const D0 = sectorMatrix(X, E, k, adjacent[0]!.signs, net.alphaPos, net.alphaNeg);
  // dL/dh_i = c D_S w_i: the same for every adjacent sector (points on the boundary have rho = 0).
  let oh = 0, rad = 0;
  for (let q = 0; q < k; q++) { let s = 0; for (let j = 0; j < d; j++) s += D0[q * d + j]! * w[j]!; oh += s * s; rad += h[q]! * s; }
  let minDir = 0;
  for (const a of adjacent) {
    const D = sectorMatrix(X, E, k, a.signs, net.alphaPos, net.alphaNeg);
    const g = new Float64Array(d);
    for (let q = 0; q < k; q++) for (let j = 0; j < d; j++) g[j] = g[j]! + h[q]! * D[q * d + j]!;
    minDir = Math.min(minDir, c * minOverCone(g, a.cone).value);
  }
  return {
    res: { neuron: i, outputDerivative: c * Math.sqrt(oh), radial: wn > 0 ? (c * rad) / wn : 0, minDirectional: minDir, onBoundary },
    adjacent,
  };
}

/**
 * The (w_i, h_i) block of the GD map's Jacobian I - eta Hess (9.12) with neuron i in the open sector S
 * (slopes c_n(S) at points on its hyperplanes): Hess_ww = (2/Nk) sum_n rho'^2 |h|^2 x_n x_n^T,
 * Hess_hh = (2/Nk) sum_n rho^2 I, Hess_hw = (2/Nk) sum_n (rho rho' h + rho' e_n) x_n^T.
 */
export function neuronGdJacobian(net: ShallowNet, data: LandscapeData, i: number, signs: Int8Array, E: Float64Array, lr: number): Float64Array {
  const { X } = data;
  const N = X.rows, d = net.d, k = net.k, m = d + k;
  const c = 2 / (N * k);
  const w = net.W.subarray(i * d, (i + 1) * d);
  const h = net.H.subarray(i * k, (i + 1) * k);
  const hh = dot(h, h);
  const Hs = new Float64Array(m * m);
  for (let n = 0; n < N; n++) {
    const x = row(X, n);
    const z = dot(w, x);
    const sl = signs[n]! > 0 ? net.alphaPos : net.alphaNeg;
    const r = rho(z, net.alphaPos, net.alphaNeg);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) Hs[a * m + b] = Hs[a * m + b]! + c * sl * sl * hh * x[a]! * x[b]!;
    for (let q = 0; q < k; q++) {
      Hs[(d + q) * m + d + q] = Hs[(d + q) * m + d + q]! + c * r * r;
      const f = c * (r * sl * h[q]! + sl * E[n * k + q]!);
      for (let b = 0; b < d; b++) { Hs[(d + q) * m + b] = Hs[(d + q) * m + b]! + f * x[b]!; Hs[b * m + d + q] = Hs[b * m + d + q]! + f * x[b]!; }
    }
  }
  const J = new Float64Array(m * m);
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) J[a * m + b] = (a === b ? 1 : 0) - lr * Hs[a * m + b]!;
  return J;
}

/** Max over unit v in cone {v : g . v >= 0} of |b . v| and its argmax (scalar output). */
function maxAbsOverCone(b: Vec, cone: Vec[]): { value: number; v: Vec } | null {
  let best: { value: number; v: Vec } | null = null;
  for (const sgn of [1, -1]) {
    const r = minOverCone(b.map((x) => -sgn * x), cone);
    if (r.v && -r.value > (best?.value ?? 0)) best = { value: -r.value, v: r.v };
  }
  return best;
}

/** Perturbation test (9.13): `draws` uniform perturbations in [-A, A] of every parameter of the active neurons. */
export function perturbationTest(net: ShallowNet, data: LandscapeData, draws = 5000, seed = 0, cap = 1e-3): PerturbationTest {
  const L0 = shallowLoss(net, data);
  const { X } = data;
  const d = net.d, k = net.k;
  const live: number[] = [];
  for (let i = 0; i < net.r; i++) {
    const w = net.W.subarray(i * d, (i + 1) * d);
    let active = false;
    for (let n = 0; n < X.rows; n++) if (rho(dot(w, row(X, n)), net.alphaPos, net.alphaNeg) !== 0) active = true;
    if (active) live.push(i);
  }
  let minAbs = Infinity;
  for (const i of live) {
    for (let j = 0; j < d; j++) if (net.W[i * d + j] !== 0) minAbs = Math.min(minAbs, Math.abs(net.W[i * d + j]!));
    for (let q = 0; q < k; q++) if (net.H[i * k + q] !== 0) minAbs = Math.min(minAbs, Math.abs(net.H[i * k + q]!));
  }
  const amplitude = Math.min(cap, Number.isFinite(minAbs) ? 0.1 * minAbs : cap);
  const rng = stream(seed, STREAM.LANDSCAPE_PERTURB, 0);
  const p = cloneShallow(net);
  let minDelta = Infinity, descents = 0;
  for (let t = 0; t < draws; t++) {
    for (const i of live) {
      for (let j = 0; j < d; j++) p.W[i * d + j] = net.W[i * d + j]! + amplitude * (2 * rng.uniform() - 1);
      for (let q = 0; q < k; q++) p.H[i * k + q] = net.H[i * k + q]! + amplitude * (2 * rng.uniform() - 1);
    }
    const dl = shallowLoss(p, data) - L0;
    minDelta = Math.min(minDelta, dl);
    if (dl < -1e-12 * L0) descents++;
  }
  return { draws, amplitude, parameters: live.length * (d + k), minDeltaLoss: draws > 0 ? minDelta : 0, descents };
}

/** Classify a point (9.10)-(9.13); see Classification. Never calls a point stationary above `tol`. */
export function classifyPoint(net: ShallowNet, data: LandscapeData, opts: ClassifyOptions = {}): Classification {
  const tol = opts.tol ?? 1e-6;
  if (!(tol > 0) || !Number.isFinite(tol)) throw new InvalidSpecError('--tol', `must be a finite number > 0, got ${tol}`);
  const lr = opts.lr ?? 1e-3;
  const escapeTol = opts.escapeTol ?? Number((100 * tol).toPrecision(12));
  const boundaryTol = opts.boundaryTol ?? 1e-9;
  const { X } = data;
  const N = X.rows, d = net.d, k = net.k;
  const c = 2 / (N * k);
  const { E, loss } = residuals(net, data);
  let maxOut = 0, maxRad = 0, minDir = 0, worst = -1, worstVal = 0;
  const per: { res: NeuronResiduals; adjacent: { signs: Int8Array; cone: Vec[] }[] }[] = [];
  let zeroSectors: ReturnType<typeof dataSectors> | null = null;
  for (let i = 0; i < net.r; i++) {
    const w = net.W.subarray(i * d, (i + 1) * d);
    let r;
    if (norm(w) === 0) {
      // Zero neuron: every sector is adjacent.
      zeroSectors ??= dataSectors(X);
      const rr = neuronResiduals(net, data, i, E, boundaryTol);
      r = { res: rr.res, adjacent: zeroSectors.map((s) => ({ signs: s.signs, cone: Array.from({ length: N }, (_, n) => Float64Array.from(row(X, n), (x) => s.signs[n]! * x)) })) };
    } else r = neuronResiduals(net, data, i, E, boundaryTol);
    per.push(r);
    maxOut = Math.max(maxOut, r.res.outputDerivative);
    maxRad = Math.max(maxRad, Math.abs(r.res.radial));
    minDir = Math.min(minDir, r.res.minDirectional);
    const v = Math.max(r.res.outputDerivative, Math.abs(r.res.radial), -r.res.minDirectional);
    if (v > worstVal) { worstVal = v; worst = i; }
  }
  const stationary = maxOut <= tol && maxRad <= tol && minDir >= -tol;
  const g = shallowGradient(net, data);
  let gInf = 0;
  for (const a of [g.gW, g.gH]) for (let m = 0; m < a.length; m++) gInf = Math.max(gInf, Math.abs(a[m]!));
  const out: Classification = {
    classification: 'undecided', reason: '', stationary, tol, escapeTol, loss,
    residuals: { maxOutputDerivative: maxOut, maxRadial: maxRad, minDirectional: minDir, worstNeuron: worst },
    gdFixedPointResidual: lr * gInf, escapeNeurons: [], perturbation: null,
  };
  const draws = opts.draws ?? 5000;
  if (!stationary) {
    out.reason = `not stationary at tolerance ${tol}: largest residual ${worstVal.toExponential(3)} (neuron ${worst})`;
    return out;
  }
  // Escape neurons (9.11): an adjacent sector S with h_i^T D_S = 0 and D_S != 0.
  for (let i = 0; i < net.r; i++) {
    const h = net.H.subarray(i * k, (i + 1) * k);
    for (const a of per[i]!.adjacent) {
      const D = sectorMatrix(X, E, k, a.signs, net.alphaPos, net.alphaNeg);
      const hD = new Float64Array(d);
      for (let q = 0; q < k; q++) for (let j = 0; j < d; j++) hD[j] = hD[j]! + h[q]! * D[q * d + j]!;
      if (c * norm(hD) > tol) continue;
      const sv = linalg().singularValues(matrix(k, d, D));
      const strength = c * (sv[0] ?? 0);
      if (strength <= escapeTol) continue;
      const J = neuronGdJacobian(net, data, i, a.signs, E, lr);
      const mult = spectralRadiusDense(matrix(d + k, d + k, J));
      let descent: EscapeNeuron['descent'] = null;
      if (k === 1) {
        const w = net.W.subarray(i * d, (i + 1) * d);
        const best = maxAbsOverCone(D.subarray(0, d), a.cone);
        if (best) {
          let rho2 = 0;
          for (let n = 0; n < N; n++) rho2 += rho(dot(w, row(X, n)), net.alphaPos, net.alphaNeg) ** 2;
          const s = 1 / Math.max(1, rho2);
          const u = dot(D.subarray(0, d), best.v);
          const t = 1e-3 * Math.max(1, norm(w));
          const p = cloneShallow(net);
          for (let j = 0; j < d; j++) p.W[i * d + j] = w[j]! + t * best.v[j]!;
          p.H[i] = h[0]! - t * s * u;
          descent = { v: Array.from(best.v), t, s, deltaLoss: shallowLoss(p, data) - loss };
        }
      }
      out.escapeNeurons.push({ neuron: i, sector: signKey(a.signs), strength, gdMultiplier: mult, descent });
      break;
    }
  }
  out.perturbation = draws > 0 ? perturbationTest(net, data, draws, opts.seed ?? 0) : null;
  const pertOk = out.perturbation === null || out.perturbation.descents === 0;
  if (out.escapeNeurons.length === 0) {
    if (pertOk) {
      out.classification = 'local-min';
      out.reason = 'stationary with no escape neuron';
    } else out.reason = `stationary with no escape neuron, but ${out.perturbation!.descents} of ${out.perturbation!.draws} perturbations lowered the loss`;
    return out;
  }
  if (k === 1) {
    const certified = out.escapeNeurons.find((e) => e.descent !== null && e.descent.deltaLoss < 0);
    if (certified) {
      out.classification = 'saddle';
      out.reason = `escape neuron ${certified.neuron} in sector ${certified.sector}: loss falls by ${(-certified.descent!.deltaLoss).toExponential(3)} along its descent path`;
    } else out.reason = 'escape neurons found but no descent path lowered the loss';
    return out;
  }
  out.reason = `vector output with ${out.escapeNeurons.length} escape neuron(s): not decided by the first-order test; perturbation test ${pertOk ? 'found no descent' : `found ${out.perturbation!.descents} descents`}`;
  return out;
}

/** Zero neurons: neurons whose largest output contribution max_n |h_i| |rho(w_i . x_n)| is at most `eps` are set to w_i = 0, h_i = 0. */
export function zeroSmallNeurons(net: ShallowNet, data: LandscapeData, eps: number): ShallowNet {
  const p = cloneShallow(net);
  const { X } = data;
  const d = net.d, k = net.k;
  for (let i = 0; i < net.r; i++) {
    const w = p.W.subarray(i * d, (i + 1) * d);
    let m = 0;
    for (let n = 0; n < X.rows; n++) m = Math.max(m, Math.abs(rho(dot(w, row(X, n)), net.alphaPos, net.alphaNeg)));
    if (m * norm(p.H.subarray(i * k, (i + 1) * k)) <= eps) { w.fill(0); p.H.fill(0, i * k, (i + 1) * k); }
  }
  return p;
}

/** Embedding: the same function with one more neuron, w = 0, h = 0 (9.14). */
export function embedZeroNeuron(net: ShallowNet): ShallowNet {
  const W = new Float64Array((net.r + 1) * net.d);
  W.set(net.W);
  const H = new Float64Array((net.r + 1) * net.k);
  H.set(net.H);
  return { ...net, r: net.r + 1, W, H };
}

/** Embedding: neuron i split into two copies of w_i with output weights lambda h_i and (1 - lambda) h_i (9.15). */
export function splitNeuron(net: ShallowNet, i: number, lambda: number): ShallowNet {
  if (!Number.isInteger(i) || i < 0 || i >= net.r) throw new InvalidSpecError('neuron', `must be an integer in [0, ${net.r - 1}], got ${i}`);
  if (!Number.isFinite(lambda)) throw new InvalidSpecError('lambda', `must be finite, got ${lambda}`);
  const p = embedZeroNeuron(net);
  const d = net.d, k = net.k;
  p.W.set(net.W.subarray(i * d, (i + 1) * d), net.r * d);
  for (let q = 0; q < k; q++) { p.H[net.r * k + q] = (1 - lambda) * net.H[i * k + q]!; p.H[i * k + q] = lambda * net.H[i * k + q]!; }
  return p;
}

/**
 * Check (9.12) on a zero neuron: the GD-map block's spectral radius equals 1 + eta c sigma_max(D_S).
 * Throws NonConvergenceError when the two computations disagree beyond 1e-9 (relative).
 */
export function checkEscapeMultiplier(e: EscapeNeuron, lr: number): void {
  const expect = 1 + lr * e.strength;
  if (Math.abs(e.gdMultiplier - expect) > 1e-9 * expect) throw new NonConvergenceError(`GD-map multiplier ${e.gdMultiplier} of escape neuron ${e.neuron} differs from 1 + eta c sigma_max(D_S) = ${expect}`);
}
