/**
 * Population-dynamics (cavity) solution for the limiting spectrum of J^T J, J = D_L W_L ... D_1 W_1,
 * with heavy-tailed (alpha < 2) or finite-variance i.i.d. weights, WITHOUT assuming that D_l and W_l
 * are free: every D entry is drawn jointly with the pre-activation it comes from, and that
 * pre-activation contains the very weight of the edge the cavity message travels along.
 *
 * Derivation: theory/05-heavy-tailed.md section 5.6, equations (5.40)-(5.48).
 *  - linear pencil for (J^T J - z)^{-1} on the layered graph, 2x2 block per neuron (5.41)-(5.42);
 *  - only two scalars cross an edge: U (upward, g_12) and V (downward, g_21) (5.43)-(5.45);
 *  - the N -> infinity row/column sums by the LePage series of the alpha-stable Poisson points
 *    Gamma_k^{-1/alpha}, K largest terms explicit, the rest by their mean (5.46)-(5.47);
 *  - G(z) = E[1 / (z - S_up^{(0)})] at the inputs (5.48), and the same G read at the outputs,
 *    E[1 / (z (1 - S_down^{(L)}))] (5.48b); J is square, so the two agree in the limit.
 * With `coupling: 'decoupled'` the D entries of an edge are drawn from an independent population
 * member (the "independent-D surrogate" of section 5.7): same marginal laws, no D-W dependence.
 */
import { InvalidSpecError, NonConvergenceError, requireInteger, requirePositive } from '../errors.ts';
import { getActivation } from '../laws/activations.ts';
import { naturalConstant, sampleLaw, tailConstant, tailIndex, unitVariance } from '../laws/weightLaws.ts';
import { stream, STREAM, type Rng } from '../random/rng.ts';
import type { LawSpec, NetworkSpec } from '../spec/networkSpec.ts';
import { nativePopulationRadius, nativePopulationSweep } from '../linalg/native.ts';

/**
 * The network spec the population solvers take: a NetworkSpec whose width N is needed only where it
 * enters the limit, with raw scaling (a_N = 1 leaves (C N)^{1/alpha} in the weights) or a
 * finite-variance law; natural scaling of a heavy-tailed law has a width-free limit. The seed
 * defaults to 1.
 */
export type PopulationSpec = Omit<NetworkSpec, 'seed' | 'N'> & { seed?: number; N?: number };

export interface PopulationOptions {
  /** Population size per layer (default 3000). */
  populationSize?: number;
  /** LePage terms kept explicitly per row / column (default 48; ignored for finite variance). */
  lepageTerms?: number;
  /** Sweeps per spectral parameter z (default 80); the last half is averaged. */
  sweeps?: number;
  /** Damping of the population update in (0, 1] (default 0.5: new = 0.5 old + 0.5 update). */
  damping?: number;
  /**
   * Early stop: when both readings of G change by less than tolerance * |G| over 3 consecutive
   * sweeps (after at least 6), stop and report the last sweep (default: none, run all sweeps and
   * average the last half).
   */
  tolerance?: number;
  /** 'joint' (default): D drawn with its own pre-activation; 'decoupled': independent-D surrogate. */
  coupling?: 'joint' | 'decoupled';
  /** Seed of the population streams (default spec.seed ?? 1). */
  seed?: number;
  /** Independent replica index (default 0): replicas of one seed use disjoint streams. */
  replica?: number;
}

/** z-independent part: the forward populations and the sampled LePage neighbourhoods. */
export interface LayeredPopulation {
  L: number;
  P: number;
  K: number;
  /** (sigma_w c)^2: multiplier of squared LePage weights. */
  weightScale2: number;
  /** Mean of the truncated tail sum_{k > K} Gamma_k^{-2/alpha} (1 for finite variance, K = 0). */
  remainderSq: number;
  /** d[l][p] = phi'(h) of member p in layer l = 1..L (index 0 unused). */
  d: Float64Array[];
  /** children[l][p*K + k]: member index in layer l-1; childW2[l][...]: squared LePage weight. */
  children: Int32Array[];
  childW2: Float64Array[];
  /** Parents of member p of layer l-1 in layer l: index, squared weight, parent's D on that edge. */
  parents: Int32Array[];
  parentW2: Float64Array[];
  parentD: Float64Array[];
  /** Pre-activations (layer 1..L), for diagnostics. */
  h: Float64Array[];
}

function lepagePoints(rng: Rng, K: number, alpha: number, out: Float64Array): void {
  // Gamma_k: arrival times of a unit Poisson process; |w|_(k) = Gamma_k^{-1/alpha} (5.46).
  let g = 0;
  for (let k = 0; k < K; k++) {
    g += -Math.log(rng.uniformOpen());
    out[k] = Math.pow(g, -1 / alpha);
  }
}

/** Build the forward populations (theory/05-heavy-tailed.md (5.46)-(5.47)). */
export function buildLayeredPopulation(spec: PopulationSpec, opts: PopulationOptions = {}): LayeredPopulation {
  requireInteger('depth', spec.L, 1, 10_000);
  const P = requireInteger('populationSize', opts.populationSize ?? 3000, 50, 1_000_000);
  const seed = opts.seed ?? spec.seed ?? 1;
  const coupling = opts.coupling ?? 'joint';
  const act = getActivation(spec.activation);
  const law: LawSpec = spec.weights;
  const alpha = tailIndex(law);
  const finiteVar = Number.isFinite(unitVariance(law));
  const sw = requirePositive('weights.scale', law.scale);
  // The width enters only with raw scaling or a finite-variance law (see PopulationSpec); 0 marks it unused.
  const N = spec.scaling === 'raw' || finiteVar ? requireInteger('width', spec.N as number, 1) : 0;
  let K: number, wScale: number, remainderSq: number;
  if (finiteVar) {
    // Row sums of N terms of variance v sw^2 / a_N^2 (natural) or v sw^2 (raw): mean-field limit.
    K = 0;
    const v = unitVariance(law);
    wScale = spec.scaling === 'natural' ? (sw * sw * N * v) / (naturalConstant(law, N) ** 2) : sw * sw * N * v;
    remainderSq = 1;
  } else {
    K = requireInteger('lepageTerms', opts.lepageTerms ?? 48, 1, 10_000);
    if (spec.scaling === 'raw') K = Math.min(K, N);
    // Natural scaling a_N = (C N)^{1/alpha} makes the Poisson points exactly Gamma^{-1/alpha} (c = 1);
    // raw scaling leaves c = (C N)^{1/alpha} (5.46).
    const c = spec.scaling === 'natural' ? 1 : Math.pow(tailConstant(law) * N, 1 / alpha);
    wScale = sw * sw * c * c;
    const e = 2 / alpha;
    // sum_{k > K} Gamma_k^{-2/alpha} ~ int_{K+1/2}^{inf} t^{-2/alpha} dt (5.47)
    remainderSq = Math.pow(K + 0.5, 1 - e) / (e - 1);
    if (spec.scaling === 'raw') remainderSq = Math.max(0, Math.min(remainderSq, N - K));
  }
  const L = spec.L;
  const replica = requireInteger('replica', opts.replica ?? 0, 0, 1_000_000);
  // replica 0 keeps the original stream paths; replica r > 0 appends r to them
  const sub = (...path: number[]): Rng => (replica === 0 ? stream(seed, STREAM.SAMPLE, ...path) : stream(seed, STREAM.SAMPLE, ...path, replica));
  const rng = sub(0x5eed, coupling === 'joint' ? 1 : 2);
  const [lo, hi] = act.range;
  // layer 0 inputs: uniform on the activation's range (the fixed-point finder's start box)
  const x: Float64Array[] = [new Float64Array(P)];
  for (let p = 0; p < P; p++) x[0]![p] = lo + (hi - lo) * rng.uniform();
  const h: Float64Array[] = [new Float64Array(0)];
  const d: Float64Array[] = [new Float64Array(0)];
  const children: Int32Array[] = [new Int32Array(0)];
  const childW2: Float64Array[] = [new Float64Array(0)];
  const childSigned: Float64Array[] = [new Float64Array(0)];
  const pts = new Float64Array(Math.max(K, 1));
  const bias = new Float64Array(P);
  const sqrtW = Math.sqrt(wScale);
  for (let l = 1; l <= L; l++) {
    const xl1 = x[l - 1]!;
    let ex2 = 0;
    for (let p = 0; p < P; p++) ex2 += xl1[p]! * xl1[p]!;
    ex2 /= P;
    const remSd = Math.sqrt(remainderSq * ex2);
    const hl = new Float64Array(P), dl = new Float64Array(P), xl = new Float64Array(P);
    const ch = new Int32Array(P * K), cw2 = new Float64Array(P * K), cs = new Float64Array(P * K);
    if (spec.bias !== null) sampleLaw(spec.bias, sub(0xb1a5, l), bias);
    else bias.fill(0);
    for (let p = 0; p < P; p++) {
      lepagePoints(rng, K, alpha, pts);
      let s = 0;
      for (let k = 0; k < K; k++) {
        const j = rng.int(P);
        const w = rng.uniform() < 0.5 ? -pts[k]! : pts[k]!;
        ch[p * K + k] = j;
        cw2[p * K + k] = w * w;
        cs[p * K + k] = w;
        s += w * xl1[j]!;
      }
      // h = sigma_w c (sum_k eps_k Gamma_k^{-1/alpha} x_k + Gaussian remainder) + b (5.46)
      const hv = sqrtW * (s + remSd * rng.normal()) + bias[p]!;
      hl[p] = hv;
      dl[p] = act.dphi(hv);
      xl[p] = act.phi(hv);
    }
    h.push(hl); d.push(dl); x.push(xl); children.push(ch); childW2.push(cw2); childSigned.push(cs);
  }
  // Parents of each member of layer l-1 in layer l, with the parent's D on that edge (5.45):
  // the parent's pre-activation is a population member's h plus this edge's contribution w x_j.
  const parents: Int32Array[] = [], parentW2: Float64Array[] = [], parentD: Float64Array[] = [];
  for (let l = 1; l <= L; l++) {
    const xl1 = x[l - 1]!, hl = h[l]!;
    const pa = new Int32Array(P * K), pw2 = new Float64Array(P * K), pd = new Float64Array(P * K);
    for (let p = 0; p < P; p++) {
      lepagePoints(rng, K, alpha, pts);
      for (let k = 0; k < K; k++) {
        const m = rng.int(P);
        const w = rng.uniform() < 0.5 ? -pts[k]! : pts[k]!;
        pa[p * K + k] = m;
        pw2[p * K + k] = w * w;
        if (coupling === 'joint') {
          pd[p * K + k] = act.dphi(hl[m]! + sqrtW * w * xl1[p]!);
        } else {
          pd[p * K + k] = d[l]![rng.int(P)]!;
        }
      }
    }
    parents[l - 1] = pa; parentW2[l - 1] = pw2; parentD[l - 1] = pd;
  }
  if (coupling === 'decoupled') {
    // decoupled: the D of a row is independent of the squared weights of that row too
    for (let l = 1; l <= L; l++) {
      const dl = d[l]!, copy = Float64Array.from(dl);
      for (let p = 0; p < P; p++) dl[p] = copy[rng.int(P)]!;
    }
  }
  return { L, P, K, weightScale2: wScale, remainderSq, d, children, childW2, parents, parentW2, parentD, h };
}

/**
 * The population flattened for the sweep kernels: per-member arrays of layers 0..L at l * P,
 * per-edge arrays at l * P * K (children: layers 0..L; parents and the z-independent edge
 * factors d^2 and w^2 d^2 of the S_up sum (5.45): layers 0..L-1). Cached per population.
 */
interface FlatPopulation {
  params: Float64Array;
  d: Float64Array;
  children: Int32Array;
  childW2: Float64Array;
  parents: Int32Array;
  parentD2: Float64Array;
  parentF: Float64Array;
}
const flatCache = new WeakMap<LayeredPopulation, FlatPopulation>();
function flatPopulation(pop: LayeredPopulation): FlatPopulation {
  let f = flatCache.get(pop);
  if (f === undefined) {
    const { L, P, K } = pop;
    const d = new Float64Array((L + 1) * P);
    const children = new Int32Array((L + 1) * P * K), childW2 = new Float64Array((L + 1) * P * K);
    const parents = new Int32Array(L * P * K), parentD2 = new Float64Array(L * P * K), parentF = new Float64Array(L * P * K);
    for (let l = 1; l <= L; l++) {
      d.set(pop.d[l]!, l * P);
      children.set(pop.children[l]!, l * P * K);
      childW2.set(pop.childW2[l]!, l * P * K);
    }
    for (let l = 0; l < L; l++) {
      parents.set(pop.parents[l]!, l * P * K);
      const pd = pop.parentD[l]!, pw = pop.parentW2[l]!, o = l * P * K;
      for (let i = 0; i < P * K; i++) {
        const d2 = pd[i]! * pd[i]!;
        parentD2[o + i] = d2;
        parentF[o + i] = pw[i]! * d2;
      }
    }
    f = { params: new Float64Array(9), d, children, childW2, parents, parentD2, parentF };
    flatCache.set(pop, f);
  }
  return f;
}

/**
 * One sweep of (5.43)-(5.45) on the flattened population, then the two readings of G (5.48),
 * (5.48b) into g = [Re G_in, Im G_in, Re G_out, Im G_out]. The TypeScript twin of native/heavy.cc
 * population_sweep (same operations in the same order); params as there.
 */
export function populationSweepTs(params: Float64Array, dAll: Float64Array, chAll: Int32Array, cwAll: Float64Array, paAll: Int32Array, pd2All: Float64Array, pfAll: Float64Array,
  tR: Float64Array, tI: Float64Array, sR: Float64Array, sI: Float64Array, uR: Float64Array, uI: Float64Array, g: Float64Array): void {
  const L = params[0]!, P = params[1]!, K = params[2]!, ws = params[3]!, rs = params[4]!, zRe = params[5]!, zIm = params[6]!, damp = params[7]!, fresh = params[8]! !== 0;
  // (1) U on layers 0..L-1 (5.44): U_0 = 1/(z - S_up), U_l = S_d / (1 - S_d S_up)
  for (let l = 0; l < L; l++) {
    const o = l * P;
    if (l === 0) {
      for (let p = 0; p < P; p++) {
        const ar = zRe - sR[p]!, ai = zIm - sI[p]!, n = ar * ar + ai * ai;
        uR[p] = ar / n; uI[p] = -ai / n;
      }
    } else {
      for (let q = o; q < o + P; q++) {
        const d2 = dAll[q]! * dAll[q]!;
        const ar = d2 * tR[q]!, ai = d2 * tI[q]!;
        const br = 1 - (ar * sR[q]! - ai * sI[q]!), bi = -(ar * sI[q]! + ai * sR[q]!);
        const n = br * br + bi * bi;
        uR[q] = (ar * br + ai * bi) / n; uI[q] = (ai * br - ar * bi) / n;
      }
    }
  }
  // (2) T_down on layers 1..L (5.43): sum_k w_k^2 U_child + remainder * E[U]
  for (let l = 1; l <= L; l++) {
    const uo = (l - 1) * P;
    let mr = 0, mi = 0;
    for (let p = 0; p < P; p++) { mr += uR[uo + p]!; mi += uI[uo + p]!; }
    mr /= P; mi /= P;
    const eo = l * P * K, to = l * P;
    for (let p = 0; p < P; p++) {
      let ar = rs * mr, ai = rs * mi;
      for (let k = 0; k < K; k++) { const e = eo + p * K + k, j = uo + chAll[e]!, w2 = cwAll[e]!; ar += w2 * uR[j]!; ai += w2 * uI[j]!; }
      const nr = ws * ar, ni = ws * ai, q = to + p;
      if (fresh) { tR[q] = nr; tI[q] = ni; } else { tR[q] = damp * nr + (1 - damp) * tR[q]!; tI[q] = damp * ni + (1 - damp) * tI[q]!; }
    }
  }
  // (3) S_up on layers L-1..0 (5.45): sum over parents of (w d)^2 V_edge + remainder * E[d^2 V]
  for (let l = L; l >= 1; l--) {
    const lo = l * P;
    const top = l === L;
    // V on an edge (5.45) with the edge's D: V = T_s / (1 - d^2 T_d S_up) below the top layer,
    // 1 / (1 - d^2 T_d) at the top
    let mr = 0, mi = 0;
    for (let q = lo; q < lo + P; q++) {
      const d2 = dAll[q]! * dAll[q]!, ar = d2 * tR[q]!, ai = d2 * tI[q]!;
      if (top) {
        const br = 1 - ar, bi = -ai, n = br * br + bi * bi;
        mr += d2 * (br / n); mi += d2 * (-bi / n);
      } else {
        const s0 = sR[q]!, s1 = sI[q]!;
        const br = 1 - (ar * s0 - ai * s1), bi = -(ar * s1 + ai * s0), n = br * br + bi * bi;
        mr += d2 * ((s0 * br + s1 * bi) / n); mi += d2 * ((s1 * br - s0 * bi) / n);
      }
    }
    mr /= P; mi /= P;
    const eo = (l - 1) * P * K, oo = (l - 1) * P;
    for (let p = 0; p < P; p++) {
      let ar = rs * mr, ai = rs * mi;
      const o = eo + p * K;
      if (top) {
        for (let k = 0; k < K; k++) {
          const idx = o + k, m = lo + paAll[idx]!, d2 = pd2All[idx]!;
          const br = 1 - d2 * tR[m]!, bi = d2 * tI[m]!, f = pfAll[idx]! / (br * br + bi * bi);
          ar += f * br; ai += f * bi;
        }
      } else {
        for (let k = 0; k < K; k++) {
          const idx = o + k, m = lo + paAll[idx]!, d2 = pd2All[idx]!;
          const xr = d2 * tR[m]!, xi = d2 * tI[m]!, s0 = sR[m]!, s1 = sI[m]!;
          const br = 1 - (xr * s0 - xi * s1), bi = -(xr * s1 + xi * s0), f = pfAll[idx]! / (br * br + bi * bi);
          ar += f * (s0 * br + s1 * bi); ai += f * (s1 * br - s0 * bi);
        }
      }
      const nr = ws * ar, ni = ws * ai, q = oo + p;
      if (fresh) { sR[q] = nr; sI[q] = ni; } else { sR[q] = damp * nr + (1 - damp) * sR[q]!; sI[q] = damp * ni + (1 - damp) * sI[q]!; }
    }
  }
  // (4) G(z) = E[1/(z - S_up^{(0)})] (5.48) and E[1/(z (1 - S_down^{(L)}))] (5.48b)
  let gr = 0, gi = 0;
  for (let p = 0; p < P; p++) {
    const ar = zRe - sR[p]!, ai = zIm - sI[p]!, n = ar * ar + ai * ai;
    gr += ar / n; gi += -ai / n;
  }
  let or = 0, oi = 0;
  for (let q = L * P; q < (L + 1) * P; q++) {
    const d2 = dAll[q]! * dAll[q]!;
    const br = 1 - d2 * tR[q]!, bi = -d2 * tI[q]!;
    const cr = zRe * br - zIm * bi, ci = zRe * bi + zIm * br, n = cr * cr + ci * ci;
    or += cr / n; oi += -ci / n;
  }
  g[0] = gr / P; g[1] = gi / P; g[2] = or / P; g[3] = oi / P;
}

export interface CavityState {
  /**
   * Converged populations for warm starts, one array per layer 0..L. States made by
   * populationStieltjes are views into one buffer per field (the sweep kernels work on those).
   */
  tDownRe: Float64Array[]; tDownIm: Float64Array[];
  sUpRe: Float64Array[]; sUpIm: Float64Array[];
}

/** The one buffer behind the per-layer views of a state field, or a fresh copy when it has none. */
function flatField(views: Float64Array[], P: number): { flat: Float64Array; shared: boolean } {
  const first = views[0]!;
  const flat = new Float64Array(first.buffer, first.byteOffset, Math.min(views.length * P, (first.buffer.byteLength - first.byteOffset) / 8));
  const shared = flat.length === views.length * P && views.every((v, l) => v.buffer === first.buffer && v.byteOffset === first.byteOffset + l * P * 8 && v.length === P);
  if (shared) return { flat, shared };
  const copy = new Float64Array(views.length * P);
  views.forEach((v, l) => copy.set(v, l * P));
  return { flat: copy, shared: false };
}

function layerViews(flat: Float64Array, L: number, P: number): Float64Array[] {
  return Array.from({ length: L + 1 }, (_, l) => flat.subarray(l * P, (l + 1) * P));
}

export interface StieltjesPoint {
  re: number;
  im: number;
  /** Relative spread of G over the averaged sweeps (population noise + non-convergence). */
  relativeSpread: number;
  sweeps: number;
  /** Output-side estimate of the same G, E[1 / (z (1 - S_down(L)))] (theory (5.48b)). */
  outRe: number; outIm: number;
}

/**
 * G(z) = int mu(dt) / (z - t) of the limiting ESD of J^T J (= that of J J^T) at Im z > 0,
 * by population dynamics on (5.43)-(5.45); returns the average over the last half of the sweeps.
 */
export function populationStieltjes(pop: LayeredPopulation, zRe: number, zIm: number, opts: PopulationOptions = {}, warm?: CavityState): { value: StieltjesPoint; state: CavityState } {
  if (!(zIm > 0)) throw new InvalidSpecError('z', `needs Im z > 0, got ${zIm}`);
  const { L, P, K } = pop;
  const flat = flatPopulation(pop);
  const sweeps = requireInteger('sweeps', opts.sweeps ?? 80, 4, 100_000);
  const damp = opts.damping ?? 0.5;
  const n = (L + 1) * P;
  const fields = warm === undefined
    ? [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)]
    : [warm.tDownRe, warm.tDownIm, warm.sUpRe, warm.sUpIm].map((v) => flatField(v, P).flat);
  const [tR, tI, sR, sI] = fields as [Float64Array, Float64Array, Float64Array, Float64Array];
  const st: CavityState = { tDownRe: layerViews(tR, L, P), tDownIm: layerViews(tI, L, P), sUpRe: layerViews(sR, L, P), sUpIm: layerViews(sI, L, P) };
  const uR = new Float64Array(n), uI = new Float64Array(n), g = new Float64Array(4);
  const sweep = nativePopulationSweep() ?? populationSweepTs;
  const params = flat.params;
  params[0] = L; params[1] = P; params[2] = K; params[3] = pop.weightScale2; params[4] = pop.remainderSq; params[5] = zRe; params[6] = zIm; params[7] = damp;
  let gSumRe = 0, gSumIm = 0, gSq = 0, nAvg = 0, oSumRe = 0, oSumIm = 0;
  const tol = opts.tolerance;
  if (tol !== undefined && !(tol > 0)) throw new InvalidSpecError('tolerance', `must be > 0, got ${tol}`);
  let prevRe = NaN, prevIm = NaN, prevORe = NaN, prevOIm = NaN, calm = 0, done = 0;
  for (let it = 0; it < sweeps; it++) {
    done = it + 1;
    params[8] = it === 0 && warm === undefined ? 1 : 0;
    sweep(params, flat.d, flat.children, flat.childW2, flat.parents, flat.parentD2, flat.parentF, tR, tI, sR, sI, uR, uI, g);
    if (tol !== undefined || it >= sweeps / 2) {
      const gr = g[0]!, gi = g[1]!, or = g[2]!, oi = g[3]!;
      if (tol !== undefined) {
        const change = Math.max(Math.hypot(gr - prevRe, gi - prevIm) / Math.hypot(gr, gi), Math.hypot(or - prevORe, oi - prevOIm) / Math.hypot(or, oi));
        calm = change < tol ? calm + 1 : 0;
        prevRe = gr; prevIm = gi; prevORe = or; prevOIm = oi;
        if (calm >= 3 && it >= 5) {
          gSumRe = gr; gSumIm = gi; gSq = gr * gr + gi * gi; oSumRe = or; oSumIm = oi; nAvg = 1;
          break;
        }
        if (it < sweeps / 2) continue;
      }
      gSumRe += gr; gSumIm += gi; gSq += gr * gr + gi * gi; nAvg++;
      oSumRe += or; oSumIm += oi;
    }
  }
  const re = gSumRe / nAvg, im = gSumIm / nAvg;
  const varG = Math.max(0, gSq / nAvg - re * re - im * im);
  const mag = Math.hypot(re, im);
  if (!Number.isFinite(re) || !Number.isFinite(im)) {
    throw new NonConvergenceError(`population dynamics produced a non-finite G at z = ${zRe} + ${zIm}i`, { zRe, zIm });
  }
  return { value: { re, im, relativeSpread: mag > 0 ? Math.sqrt(varG) / mag : 0, sweeps: done, outRe: oSumRe / nAvg, outIm: oSumIm / nAvg }, state: st };
}

/**
 * populationStieltjes along a path of z values for several independent populations (replicas):
 * each z starts from the state the previous one left (the first from `warm`, none: fresh), with
 * `sweeps[j]` sweeps at most at z_j. With the native kernel each replica runs the whole path on
 * its own thread (up to `threads`; no barrier between z values) in one call (native/heavy.cc
 * population_radius, the same sweeps and stopping rule); otherwise one replica and one z after
 * another through populationStieltjes. Each replica's results do not depend on the thread count.
 * Returns values[j][r] and the final states.
 */
export function populationStieltjesPath(pops: LayeredPopulation[], path: { re: number; im: number; sweeps: number }[], opts: PopulationOptions, warm: (CavityState | undefined)[], threads = 1): { values: StieltjesPoint[][]; states: CavityState[] } {
  for (const z of path) {
    if (!(z.im > 0)) throw new InvalidSpecError('z', `needs Im z > 0, got ${z.im}`);
    requireInteger('sweeps', z.sweeps, 4, 100_000);
  }
  const tol = opts.tolerance;
  if (tol !== undefined && !(tol > 0)) throw new InvalidSpecError('tolerance', `must be > 0, got ${tol}`);
  const native = nativePopulationRadius();
  const fresh = warm.every((w) => w === undefined);
  if (native === null || !(fresh || warm.every((w) => w !== undefined))) {
    const values: StieltjesPoint[][] = path.map(() => []);
    const states = pops.map((pop, r) => {
      let st = warm[r];
      path.forEach((z, j) => {
        const res = populationStieltjes(pop, z.re, z.im, { ...opts, sweeps: z.sweeps }, st);
        st = res.state;
        values[j]![r] = res.value;
      });
      return st!;
    });
    return { values, states };
  }
  const states: CavityState[] = [];
  const args = pops.map((pop, r) => {
    const { L, P } = pop;
    const flat = flatPopulation(pop);
    const n = (L + 1) * P;
    const w = warm[r];
    const [tR, tI, sR, sI] = (w === undefined ? [0, 1, 2, 3].map(() => new Float64Array(n)) : [w.tDownRe, w.tDownIm, w.sUpRe, w.sUpIm].map((v) => flatField(v, P).flat)) as [Float64Array, Float64Array, Float64Array, Float64Array];
    states.push({ tDownRe: layerViews(tR, L, P), tDownIm: layerViews(tI, L, P), sUpRe: layerViews(sR, L, P), sUpIm: layerViews(sI, L, P) });
    const params = Float64Array.of(L, P, pop.K, pop.weightScale2, pop.remainderSq);
    return [params, flat.d, flat.children, flat.childW2, flat.parents, flat.parentD2, flat.parentF, tR, tI, sR, sI, new Float64Array(n), new Float64Array(n)];
  });
  const options = new Float64Array(2 + 6 * path.length);
  options[0] = Math.max(1, Math.floor(threads));
  options[1] = path.length;
  path.forEach((z, j) => options.set([z.re, z.im, z.sweeps, fresh && j === 0 ? 1 : 0, opts.damping ?? 0.5, tol ?? 0], 2 + 6 * j));
  const R = pops.length;
  const out = new Float64Array(6 * path.length * R);
  native(options, args, out);
  const values = path.map((z, j) => pops.map((_, r) => {
    const o = 6 * (j * R + r), re = out[o]!, im = out[o + 1]!;
    if (!Number.isFinite(re) || !Number.isFinite(im)) throw new NonConvergenceError(`population dynamics produced a non-finite G at z = ${z.re} + ${z.im}i`, { zRe: z.re, zIm: z.im });
    const mag = Math.hypot(re, im), varG = Math.max(0, out[o + 5]! - re * re - im * im);
    return { re, im, relativeSpread: mag > 0 ? Math.sqrt(varG) / mag : 0, sweeps: out[o + 4]!, outRe: out[o + 2]!, outIm: out[o + 3]! };
  }));
  return { values, states };
}

/** populationStieltjesPath at one z: per replica its value and state. */
export function populationStieltjesReplicas(pops: LayeredPopulation[], zRe: number, zIm: number, opts: PopulationOptions, warm: (CavityState | undefined)[], threads = 1): { value: StieltjesPoint; state: CavityState }[] {
  const { values, states } = populationStieltjesPath(pops, [{ re: zRe, im: zIm, sweeps: opts.sweeps ?? 80 }], opts, warm, threads);
  return pops.map((_, r) => ({ value: values[0]![r]!, state: states[r]! }));
}
