/**
 * Free multiplicative convolution of laws on [0, inf) through the S-transform product, solved by
 * certified Newton continuation (theory/03-free-multiplicative.md).
 *
 * Unknown: s = 1 + M(z) = z G(z). For the product mu = mu_1^{n_1} ⊠ ... ⊠ mu_r^{n_r} (K = sum n_i
 * factors) the inverse moment transform is (theory/03-free-multiplicative.md (3.3))
 *     chi(m) = M^{-1}(m) = (m / (1+m))^{K-1} prod_i chi_i(m)^{n_i},
 * so s solves  Phi(s) = (K-1) log((s-1)/s) + sum_i n_i log chi_i(s) - log z = 0  (mod 2 pi i)  (3.4).
 * Rational factors have chi_i explicit; a discrete factor (atoms d_k, weights p_k) has chi_i = w_i
 * with  sum_k p_k w_i / (w_i - d_k) = s  (3.6), solved by an inner Newton iteration.
 * Density rho(x) = -Im G(x + i0) / pi = -Im s / (pi x)  (3.2); atoms analytically (3.10).
 */
import { InvalidSpecError, NonConvergenceError } from '../errors.ts';
import { gaussLegendre } from '../numerics/quadrature.ts';
import * as C from './complex.ts';
import type { Complex } from './complex.ts';
import { lagrangeInversion, seriesAffinePow, seriesIntPow, seriesMul, seriesReciprocal } from './series.ts';

export interface Atom {
  at: number;
  mass: number;
}

/** A factor whose inverse moment transform is rational in s = 1 + m:
 *  chi(s) = scale * prod_j (s - root_j)^{power_j} / (s - 1)   (theory/03-free-multiplicative.md (3.5)). */
export interface RationalFactor {
  kind: 'rational';
  name: string;
  scale: number;
  /** Roots must be < 1 (the pole at s = 1 is implicit). */
  terms: { root: number; power: number }[];
  atoms: Atom[];
}

/** A finitely supported law on [0, inf): sum_k weights_k delta_{points_k}. */
export interface DiscreteFactor {
  kind: 'discrete';
  name: string;
  points: Float64Array;
  weights: Float64Array;
}

export type FreeFactor = RationalFactor | DiscreteFactor;

export interface FactorPower {
  factor: FreeFactor;
  power: number;
}

/** Per-point convergence certificate (theory/03-free-multiplicative.md (3.8)). */
export interface PointCertificate {
  converged: boolean;
  iterations: number;
  /** |Phi(s)| at the returned s. */
  residual: number;
  /** |Newton step| at the returned s. */
  step: number;
  /** Kantorovich quantity h = |step| * Lip(Phi') / |Phi'(s)|; certified when h <= 1/2. */
  kantorovich: number;
  /** Relative imaginary part eps of z = x (1 + i eps) at which the point was certified (0 = real axis). */
  eps: number;
}

interface CompiledDiscrete {
  points: Float64Array;
  weights: Float64Array;
  power: number;
  mean: number;
  second: number;
  zeroMass: number;
  dMin: number;
  dMax: number;
}

/** A compiled product law: everything the solver needs, computed once. */
export interface ProductLaw {
  factors: FactorPower[];
  K: number;
  logScale: number;
  /** Merged rational terms (root, power), including the (K-1) log((s-1)/s) part and the poles. */
  roots: Float64Array;
  powers: Float64Array;
  /** zeroAtom - root_j, exact; the complex solver's unknown is u = s - zeroAtom (keeps the digits of
   *  s - a0 near x = 0, where s -> a0; theory/03-free-multiplicative.md (3.4)). */
  shiftMinusRoot: Float64Array;
  discrete: CompiledDiscrete[];
  atoms: Atom[];
  zeroAtom: number;
  moments: Float64Array;
}

const MOMENTS_KEPT = 8;

/** Compile a product of factors (validates them). */
export function productLaw(factors: FactorPower[]): ProductLaw {
  if (factors.length === 0) throw new InvalidSpecError('factors', 'need at least one factor');
  let K = 0;
  let logScale = 0;
  const termMap = new Map<number, number>();
  const addTerm = (root: number, power: number) => termMap.set(root, (termMap.get(root) ?? 0) + power);
  const discrete: CompiledDiscrete[] = [];
  for (const { factor, power } of factors) {
    if (!Number.isInteger(power) || power < 1) throw new InvalidSpecError('power', `must be an integer >= 1, got ${power}`);
    K += power;
    if (factor.kind === 'rational') {
      if (!(factor.scale > 0)) throw new InvalidSpecError(`${factor.name}.scale`, `must be > 0, got ${factor.scale}`);
      logScale += power * Math.log(factor.scale);
      for (const t of factor.terms) {
        if (!(t.root < 1)) throw new InvalidSpecError(`${factor.name}.root`, `roots must be < 1, got ${t.root}`);
        addTerm(t.root, power * t.power);
      }
      addTerm(1, -power);
    } else {
      const { points, weights } = factor;
      if (points.length !== weights.length || points.length === 0) throw new InvalidSpecError(`${factor.name}`, 'points and weights must be non-empty and of equal length');
      let total = 0, mean = 0, second = 0, zeroMass = 0, dMin = Infinity, dMax = 0;
      for (let k = 0; k < points.length; k++) {
        const d = points[k]!, p = weights[k]!;
        if (!(d >= 0) || !Number.isFinite(d)) throw new InvalidSpecError(`${factor.name}.points`, `must be finite and >= 0, got ${d}`);
        if (!(p >= 0)) throw new InvalidSpecError(`${factor.name}.weights`, `must be >= 0, got ${p}`);
        total += p; mean += p * d; second += p * d * d;
        if (d === 0) zeroMass += p;
        else { dMin = Math.min(dMin, d); dMax = Math.max(dMax, d); }
      }
      if (Math.abs(total - 1) > 1e-12) throw new InvalidSpecError(`${factor.name}.weights`, `must sum to 1, got ${total}`);
      if (!(mean > 0)) throw new InvalidSpecError(`${factor.name}`, 'a law concentrated at 0 has no S-transform');
      discrete.push({ points, weights, power, mean, second, zeroMass, dMin, dMax });
    }
  }
  // (K-1) log((s-1)/s), theory/03-free-multiplicative.md (3.4)
  addTerm(1, K - 1);
  addTerm(0, -(K - 1));
  const entries = [...termMap.entries()].filter(([, p]) => p !== 0);
  const roots = new Float64Array(entries.map(([r]) => r));
  const powers = new Float64Array(entries.map(([, p]) => p));
  const atoms = productAtoms(factors);
  const zeroAtom = atoms.find((a) => a.at === 0)?.mass ?? 0;
  const shiftMinusRoot = roots.map((r) => zeroAtom - r);
  const law: ProductLaw = { factors, K, logScale, roots, powers, shiftMinusRoot, discrete, atoms, zeroAtom, moments: new Float64Array(0) };
  law.moments = productMoments(factors, MOMENTS_KEPT);
  return law;
}

/** Moments of a discrete factor. */
function discreteMoments(points: Float64Array, weights: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let k = 0; k < points.length; k++) {
    let p = weights[k]!;
    for (let j = 0; j < n; j++) { p *= points[k]!; out[j] += p; }
  }
  return out;
}

/**
 * T_i(m) = m chi_i(m) as a power series in m (theory/01-transforms.md (1.8)); the product's
 * T = prod T_i^{n_i} / (1+m)^{K-1} and m_k = (1/k)[m^{k-1}] T^k (Lagrange inversion, (1.9)).
 */
function factorT(factor: FreeFactor, n: number): Float64Array {
  if (factor.kind === 'rational') {
    let t: Float64Array = new Float64Array(n + 1);
    t[0] = factor.scale;
    for (const term of factor.terms) t = seriesMul(t, seriesAffinePow(1 - term.root, term.power, n), n);
    return t;
  }
  // psi(u) = sum mu_k u^k; f = psi^{-1} by Lagrange with u/psi(u) = 1/(mu_1 + mu_2 u + ...).
  const mu = discreteMoments(factor.points, factor.weights, n + 1);
  const shifted = seriesReciprocal(mu.slice(0, n + 1), n); // u / psi(u)
  const f = lagrangeInversion(shifted, n + 1); // f_1..f_{n+1}
  return seriesReciprocal(f.slice(0, n + 1), n); // m / f(m)
}

/** First n moments of a product of factors, by series reversion (theory/01-transforms.md (1.9)). */
export function productMoments(factors: FactorPower[], n: number): Float64Array {
  let K = 0;
  let T: Float64Array = new Float64Array(n + 1);
  T[0] = 1;
  for (const { factor, power } of factors) {
    K += power;
    T = seriesMul(T, seriesIntPow(factorT(factor, n), power, n), n);
  }
  T = seriesMul(T, seriesAffinePow(1, -(K - 1), n), n);
  return lagrangeInversion(T, n);
}

/** Atoms of a product (Belinschi 2003; theory/03-free-multiplicative.md (3.10)). */
export function productAtoms(factors: FactorPower[]): Atom[] {
  let acc: Atom[] | null = null;
  const atomsOf = (f: FreeFactor): Atom[] => {
    if (f.kind === 'rational') return f.atoms;
    const m = new Map<number, number>();
    for (let k = 0; k < f.points.length; k++) m.set(f.points[k]!, (m.get(f.points[k]!) ?? 0) + f.weights[k]!);
    return [...m.entries()].map(([at, mass]) => ({ at, mass }));
  };
  for (const { factor, power } of factors) {
    const a = atomsOf(factor);
    for (let k = 0; k < power; k++) acc = acc === null ? a : combineAtoms(acc, a);
  }
  return (acc ?? []).filter((x) => x.mass > 1e-15).sort((x, y) => x.at - y.at);
}

function combineAtoms(a: Atom[], b: Atom[]): Atom[] {
  const zeroA = a.find((x) => x.at === 0)?.mass ?? 0;
  const zeroB = b.find((x) => x.at === 0)?.mass ?? 0;
  const out: Atom[] = [];
  const zero = Math.max(zeroA, zeroB);
  if (zero > 0) out.push({ at: 0, mass: zero });
  for (const x of a) {
    if (x.at === 0) continue;
    for (const y of b) {
      if (y.at === 0) continue;
      const mass = x.mass + y.mass - 1;
      if (mass > 1e-15) out.push({ at: x.at * y.at, mass });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Complex evaluation of Phi and the inner (discrete-factor) solves.

interface Evaluation {
  phi: Complex;
  dphi: Complex;
  ws: Complex[];
}

const INNER_MAX = 80;

/** Solve sum_k p_k w/(w - d_k) = s for w near `w0` (theory/03-free-multiplicative.md (3.6)). */
function innerSolve(d: CompiledDiscrete, s: Complex, w0: Complex, requireUpper: boolean): { w: Complex; dH: Complex } | null {
  let w = w0;
  let polish = false;
  for (let it = 0; it < INNER_MAX; it++) {
    // H(w) = w sum p/(w-d) - s (no cancellation as w -> 0 or w -> inf);  H'(w) = -sum p d/(w-d)^2
    let sre = 0, sim = 0, dre = 0, dim = 0;
    const { points, weights } = d;
    for (let k = 0; k < points.length; k++) {
      const dk = points[k]!;
      const ar = w.re - dk, ai = w.im;
      const den = ar * ar + ai * ai;
      const qr = (weights[k]! * ar) / den, qi = (-weights[k]! * ai) / den; // p/(w-d)
      sre += qr; sim += qi;
      // p d/(w-d)^2 = d (p/(w-d)) / (w-d)
      dre -= (dk * (qr * ar + qi * ai)) / den;
      dim -= (dk * (qi * ar - qr * ai)) / den;
    }
    const H = { re: w.re * sre - w.im * sim - s.re, im: w.re * sim + w.im * sre - s.im };
    const dH = { re: dre, im: dim };
    const step = C.div(H, dH);
    let next = C.sub(w, step);
    let damp = 0;
    while (requireUpper && next.im < -1e-13 * C.abs(next) && damp < 40) {
      damp++;
      next = C.sub(w, C.scale(step, Math.pow(0.5, damp)));
    }
    const stepSize = C.abs(C.sub(next, w));
    w = next;
    if (!Number.isFinite(w.re) || !Number.isFinite(w.im)) return null;
    if (polish) return { w, dH: innerDerivative(d, w) };
    // Converged once the step or the residual is at rounding level (then one polishing step).
    if (stepSize <= 1e-13 * Math.max(C.abs(w), 1e-300) || C.abs(H) <= 4e-16 * (1 + C.abs(s))) polish = true;
  }
  return null;
}

function innerDerivative(d: CompiledDiscrete, w: Complex): Complex {
  let re = 0, im = 0;
  for (let k = 0; k < d.points.length; k++) {
    const dk = d.points[k]!;
    if (dk === 0) continue;
    const a = { re: w.re - dk, im: w.im };
    const q = C.div({ re: weights(d, k) * dk, im: 0 }, C.mul(a, a));
    re -= q.re; im -= q.im;
  }
  return { re, im };
}
const weights = (d: CompiledDiscrete, k: number) => d.weights[k]!;

/** Phi(s) - log z and Phi'(s) (theory/03-free-multiplicative.md (3.4), (3.7)); `s` here is the shifted unknown u = s - a0. */
function evaluate(law: ProductLaw, s: Complex, logz: Complex, wGuess: Complex[], requireUpper: boolean): Evaluation | null {
  let phi: Complex = { re: law.logScale - logz.re, im: -logz.im };
  let dphi: Complex = { re: 0, im: 0 };
  for (let j = 0; j < law.roots.length; j++) {
    const a = { re: s.re + law.shiftMinusRoot[j]!, im: s.im };
    const e = law.powers[j]!;
    const lg = C.log(a);
    phi = { re: phi.re + e * lg.re, im: phi.im + e * lg.im };
    dphi = C.add(dphi, C.scale(C.inv(a), e));
  }
  const ws: Complex[] = [];
  for (let i = 0; i < law.discrete.length; i++) {
    const d = law.discrete[i]!;
    const r = innerSolve(d, { re: law.zeroAtom + s.re, im: s.im }, wGuess[i]!, requireUpper);
    if (r === null) return null;
    ws.push(r.w);
    const lg = C.log(r.w);
    phi = { re: phi.re + d.power * lg.re, im: phi.im + d.power * lg.im };
    // d log w / ds = 1 / (w H'(w))
    dphi = C.add(dphi, C.scale(C.inv(C.mul(r.w, r.dH)), d.power));
  }
  phi.im = C.wrapAngle(phi.im);
  return { phi, dphi, ws };
}

export interface PointState {
  /** The shifted unknown u = s - a0 = z G(z) - (atom of the product at 0). */
  s: Complex;
  ws: Complex[];
  /** log x of the point this state solved (warm starts are used only for nearby x). */
  logx?: number;
}

const OUTER_MAX = 60;

/**
 * Newton for Phi(s) = 0 at fixed log z from `start`, rejecting iterates outside the lower half
 * plane (s = zG in C^- for z in C^+), then a Kantorovich-type certificate (3.8).
 */
function newtonAt(law: ProductLaw, logz: Complex, start: PointState, eps: number): { state: PointState; cert: PointCertificate } | null {
  let s = start.s;
  let ev = evaluate(law, s, logz, start.ws, true);
  if (ev === null) return null;
  const halfTol = 1e-12;
  let it = 0;
  for (; it < OUTER_MAX; it++) {
    const step = C.div(ev.phi, ev.dphi);
    const f0 = C.abs(ev.phi);
    let lambda = 1;
    let accepted: { s: Complex; ev: Evaluation } | null = null;
    for (let bt = 0; bt < 30; bt++) {
      const cand = C.sub(s, C.scale(step, lambda));
      if (cand.im <= halfTol * Math.max(1, C.abs(cand))) {
        const e2 = evaluate(law, cand, logz, ev.ws, true);
        if (e2 !== null && (C.abs(e2.phi) < f0 * (1 - 1e-4 * lambda) || C.abs(e2.phi) < 1e-14 || lambda < 1e-6)) {
          accepted = { s: cand, ev: e2 };
          break;
        }
      }
      lambda *= 0.5;
    }
    if (accepted === null) return null;
    const moved = C.abs(C.sub(accepted.s, s));
    s = accepted.s;
    ev = accepted.ev;
    if (moved <= 1e-15 * Math.max(1, C.abs(s)) && C.abs(ev.phi) < 1e-11) break;
  }
  if (it >= OUTER_MAX && C.abs(ev.phi) > 1e-11) return null;
  // Certificate: Newton step, and Lip(Phi') estimated by finite differences on a small ball.
  const stepC = C.div(ev.phi, ev.dphi);
  const step = C.abs(stepC);
  const dAbs = C.abs(ev.dphi);
  const r = Math.max(4 * step, 1e-7 * Math.max(1, C.abs(s)));
  let lip = 0;
  for (const dir of [{ re: r, im: 0 }, { re: 0, im: -r }]) {
    const e2 = evaluate(law, C.add(s, dir), logz, ev.ws, false);
    if (e2 === null) return null;
    lip = Math.max(lip, C.abs(C.sub(e2.dphi, ev.dphi)) / r);
  }
  const h = dAbs > 0 ? (step * lip) / dAbs : Infinity;
  const residual = C.abs(ev.phi);
  const converged = residual < 1e-11 && step <= 1e-12 * Math.max(1, C.abs(s)) && h <= 0.5 && s.im <= halfTol * Math.max(1, C.abs(s));
  return { state: { s, ws: ev.ws }, cert: { converged, iterations: it + 1, residual, step, kantorovich: h, eps } };
}

function logZ(logx: number, eps: number): Complex {
  // z = x (1 + i eps)
  return { re: logx + 0.5 * Math.log1p(eps * eps), im: Math.atan(eps) };
}

/** Large-|z| start: s = 1 + m1/z + m2/z^2, w_i = mu1_i/m + mu2_i/mu1_i (theory/03-free-multiplicative.md (3.9)). */
function asymptoticStart(law: ProductLaw, logz: Complex): PointState {
  const zInv = { re: Math.exp(-logz.re) * Math.cos(-logz.im), im: Math.exp(-logz.re) * Math.sin(-logz.im) };
  const m = C.add(C.scale(zInv, law.moments[0]!), C.scale(C.mul(zInv, zInv), law.moments[1]!));
  const s = C.add({ re: 1 - law.zeroAtom, im: 0 }, m);
  const ws = law.discrete.map((d) => C.add(C.div({ re: d.mean, im: 0 }, m), { re: d.second / d.mean, im: 0 }));
  return { s, ws };
}

export interface SolvedPoint {
  x: number;
  density: number;
  state: PointState | null;
  cert: PointCertificate;
}

const FAILED = (eps: number): PointCertificate => ({ converged: false, iterations: 0, residual: Infinity, step: Infinity, kantorovich: Infinity, eps });

/**
 * Solve at x = exp(logx) > 0: warm path from `warm` (eps 1e-2 -> 1e-4 -> 0), else continuation from
 * large eps (theory/03-free-multiplicative.md section 3.3). Falls back to the smallest certified
 * eps <= 1e-7 (reported) when the real-axis solve cannot be certified (at an edge).
 */
export function solveAtLog(law: ProductLaw, logx: number, scaleHint: number, warm: PointState | null): SolvedPoint {
  const x = Math.exp(logx);
  const tryPath = (start: PointState, epsList: number[]): { state: PointState; cert: PointCertificate; best: { state: PointState; cert: PointCertificate } | null } | null => {
    let cur = start;
    let best: { state: PointState; cert: PointCertificate } | null = null;
    let last: { state: PointState; cert: PointCertificate } | null = null;
    for (let i = 0; i < epsList.length; i++) {
      const eps = epsList[i]!;
      const r = newtonAt(law, logZ(logx, eps), cur, eps);
      if (r === null || (!r.cert.converged && eps > 0)) {
        // Refine the step once toward the previous eps.
        if (i > 0 && eps > 0) {
          const mid = Math.sqrt(eps * epsList[i - 1]!);
          const r2 = newtonAt(law, logZ(logx, mid), cur, mid);
          if (r2 !== null && r2.cert.converged) {
            cur = r2.state;
            const r3 = newtonAt(law, logZ(logx, eps), cur, eps);
            if (r3 !== null && r3.cert.converged) { cur = r3.state; last = r3; if (eps <= 1e-7) best = r3; continue; }
          }
        }
        if (eps === 0) return last ? { ...last, best } : null;
        return null;
      }
      cur = r.state;
      last = r;
      if (eps <= 1e-7 && r.cert.converged) best = r;
    }
    return last ? { ...last, best } : null;
  };
  const finalize = (res: { state: PointState; cert: PointCertificate; best: { state: PointState; cert: PointCertificate } | null } | null): SolvedPoint | null => {
    if (res === null) return null;
    let chosen = res.cert.converged && res.cert.eps === 0 ? res : res.best;
    if (chosen === null || !chosen.cert.converged) return null;
    const eps = chosen.cert.eps;
    // rho = -Im((s - a0) / z)/pi with z = x(1 + i eps): the continuous part (3.2)
    const g = C.div(chosen.state.s, { re: x, im: x * eps });
    let density = -g.im / Math.PI;
    if (density < 0) {
      if (-density * x <= 1e-11 * Math.max(1, C.abs(chosen.state.s))) density = 0;
      else return null;
    }
    return { x, density, state: { ...chosen.state, logx }, cert: chosen.cert };
  };
  const fine = [1e-2, 1e-3, 1e-4, 1e-5, 1e-7, 1e-9, 0];
  // Warm start from a nearby point; from a far one, first march along z = x'(1 + 0.01 i) in steps of
  // |d log x'| <= 0.25 (a continuous path in C^+, so Newton tracks the physical root; from far
  // away a single Newton solve may land on a non-physical root; theory/03-free-multiplicative.md section 3.3).
  if (warm !== null && warm.logx !== undefined) {
    let start: PointState | null = { s: warm.s.im > -1e-6 * C.abs(warm.s) ? { re: warm.s.re, im: warm.s.im - 1e-3 * Math.max(1e-3, C.abs(warm.s)) } : warm.s, ws: warm.ws };
    const gap = logx - warm.logx;
    const steps = Math.ceil(Math.abs(gap) / 0.25);
    if (steps > 1) {
      if (steps > 400) start = null;
      for (let k = 1; k < steps && start !== null; k++) {
        const r = newtonAt(law, logZ(warm.logx + (gap * k) / steps, 1e-2), start, 1e-2);
        start = r !== null && r.cert.converged ? r.state : null;
      }
    }
    if (start !== null) {
      const out = finalize(tryPath(start, fine));
      if (out !== null) return out;
    }
  }
  // Cold: from |z| >> support scale down to the real axis (eps in log space, at most ~60 steps).
  const logEps0 = Math.max(Math.log(8), Math.log(16 * scaleHint) - logx);
  const ratio = Math.max(Math.log(4), (logEps0 - Math.log(1e-2)) / 60);
  const epsList: number[] = [];
  for (let le = logEps0; le > Math.log(1e-2); le -= ratio) epsList.push(Math.exp(le));
  epsList.push(...fine);
  const start = asymptoticStart(law, logZ(logx, epsList[0]!));
  const out = finalize(tryPath(start, epsList));
  if (out !== null) return out;
  return { x, density: NaN, state: null, cert: FAILED(0) };
}

// ---------------------------------------------------------------------------------------------
// Real-axis analysis: edges (theory/03-free-multiplicative.md section 3.4).

/** Real inner solve on the branch fixed by s (monotone H, bisection + Newton). */
function innerReal(d: CompiledDiscrete, s: number): number | null {
  const H = (w: number) => {
    let h = 1 - s;
    for (let k = 0; k < d.points.length; k++) { const dk = d.points[k]!; if (dk !== 0) h += (d.weights[k]! * dk) / (w - dk); }
    return h;
  };
  let lo: number, hi: number;
  if (s > 1) { lo = d.dMax; hi = d.dMax + 1; while (H(hi) > 0) { hi = d.dMax + 2 * (hi - d.dMax); if (hi > 1e300) return null; } }
  else if (s > d.zeroMass) { hi = 0; lo = -1; while (H(lo) < 0) { lo *= 2; if (lo < -1e300) return null; } }
  else { if (!Number.isFinite(d.dMin)) return null; lo = 0; hi = d.dMin; }
  // H decreasing on each branch: H(lo+) > 0 > H(hi-).
  for (let it = 0; it < 200; it++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (H(mid) > 0) lo = mid; else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** log|chi(s)|, sign, and d log|chi| / ds for real s. */
function realChi(law: ProductLaw, s: number): { logAbs: number; sign: number; dlog: number } | null {
  let logAbs = law.logScale, sign = 1, dlog = 0;
  for (let j = 0; j < law.roots.length; j++) {
    const a = s - law.roots[j]!;
    const e = law.powers[j]!;
    if (a === 0) return null;
    logAbs += e * Math.log(Math.abs(a));
    if (a < 0 && Math.abs(e) % 2 === 1) sign = -sign;
    dlog += e / a;
  }
  for (const d of law.discrete) {
    const w = innerReal(d, s);
    if (w === null || w === 0) return null;
    let dH = 0;
    for (let k = 0; k < d.points.length; k++) { const dk = d.points[k]!; if (dk !== 0) dH -= (d.weights[k]! * dk) / ((w - dk) * (w - dk)); }
    logAbs += d.power * Math.log(Math.abs(w));
    if (w < 0 && d.power % 2 === 1) sign = -sign;
    dlog += d.power / (w * dH);
  }
  return { logAbs, sign, dlog };
}

/**
 * Order of the zero of chi at s = a0 (theory/03-free-multiplicative.md (3.12)): the rational terms
 * with root a0, plus one per discrete factor without an atom at 0 when a0 = 0 (there w ~ -s / E[1/d]).
 */
function zeroOrder(law: ProductLaw): number {
  let order = 0;
  for (let j = 0; j < law.roots.length; j++) if (law.shiftMinusRoot[j] === 0) order += law.powers[j]!;
  if (law.zeroAtom === 0) for (const d of law.discrete) if (d.zeroMass === 0) order += d.power;
  return order;
}

function bisectCritical(law: ProductLaw, lo: number, hi: number): number {
  // dlog changes sign on (lo, hi)
  const sLo = Math.sign(realChi(law, lo)!.dlog);
  for (let it = 0; it < 200; it++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    const r = realChi(law, mid);
    if (r === null) break;
    if (Math.sign(r.dlog) === sLo) lo = mid; else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** Edges [lo, hi] of the support of the continuous part (theory/03-free-multiplicative.md (3.11)-(3.12)). */
export function productEdges(law: ProductLaw): [number, number] {
  // Right edge: first critical point of chi on s in (1, inf), scanning s - 1 log-spaced.
  let right = NaN;
  let prevS = 1 + 1e-10;
  let prev = realChi(law, prevS);
  for (let k = 1; k <= 500 && prev; k++) {
    const s = 1 + Math.pow(10, -10 + (k * 26) / 500);
    const cur = realChi(law, s);
    if (cur === null) break;
    if (prev.dlog < 0 && cur.dlog >= 0) {
      const sc = bisectCritical(law, prevS, s);
      right = Math.exp(realChi(law, sc)!.logAbs);
      break;
    }
    prevS = s; prev = cur;
  }
  if (Number.isNaN(right)) {
    if (prev === null) throw new NonConvergenceError('right spectral edge: real branch of chi not found');
    right = Math.exp(prev.logAbs); // chi decreasing on (1, inf): the edge is its limit
  }
  // Left edge: is chi positive just below the zero atom (a gap above 0)?
  const a0 = law.zeroAtom;
  let left = 0;
  const near = realChi(law, a0 - 1e-9);
  // A gap above 0 exists iff chi has a simple zero at s = a0 (then the physical root near x = 0+
  // is real); a zero of order >= 2 makes it complex (theory/03-free-multiplicative.md (3.12)).
  if (near !== null && near.sign > 0 && near.dlog < 0 && zeroOrder(law) === 1) {
    let prevS2 = a0 - 1e-9;
    let prev2 = near;
    let found = false;
    for (let k = 1; k <= 500; k++) {
      const s = a0 - Math.pow(10, -9 + (k * 20) / 500);
      const cur = realChi(law, s);
      if (cur === null || cur.sign < 0) break;
      if (cur.dlog >= 0) { left = Math.exp(realChi(law, bisectCritical(law, s, prevS2))!.logAbs); found = true; break; }
      prevS2 = s; prev2 = cur;
    }
    if (!found) left = Math.exp(prev2.logAbs);
  }
  return [left, right];
}

/**
 * G(z) of a product law at any z in the upper half plane, by continuation down the vertical line
 * z + i h from h >> support scale to h = 0 (theory/03-free-multiplicative.md section 3.3), with the
 * certificate (3.8) at z. M(z) = z G(z) - 1 follows.
 */
export function productStieltjes(law: ProductLaw, z: Complex, rightEdge?: number): { value: Complex; diagnostics: PointCertificate } {
  if (!Number.isFinite(z.re) || !Number.isFinite(z.im) || !(z.im > 0)) {
    throw new InvalidSpecError('z', `must be finite with Im z > 0, got ${z.re} + ${z.im}i`);
  }
  const E = rightEdge ?? productEdges(law)[1];
  const absz = C.abs(z);
  let h = Math.max(16 * E, 2 * absz);
  const at = (hh: number) => C.log({ re: z.re, im: z.im + hh });
  let state = asymptoticStart(law, at(h));
  let last: { state: PointState; cert: PointCertificate } | null = null;
  let ratio = 0.5;
  while (true) {
    const r = newtonAt(law, at(h), state, h);
    if (r === null || !r.cert.converged) {
      if (last === null || ratio > 0.999) throw new NonConvergenceError(`G(z) continuation failed at z = ${z.re} + ${z.im}i`, { h });
      // back off: smaller step from the last certified point
      h = h / ratio;
      ratio = Math.sqrt(ratio);
      h *= ratio;
      continue;
    }
    state = r.state;
    last = r;
    if (h === 0) break;
    h = h * ratio < 1e-3 * z.im ? 0 : h * ratio;
  }
  const s = { re: law.zeroAtom + last.state.s.re, im: last.state.s.im };
  return { value: C.div(s, z), diagnostics: { ...last.cert, eps: 0 } };
}

/**
 * The inverse moment transform chi(m) = M^{-1}(m) of a product law (3.3) and its S-transform
 * S(m) = (1+m)/(m chi(m)) (1.4), on the branch continued from m -> 0 (chi ~ m_1/m): the inner
 * equations (3.6) are continued along the segment from m/64 to m.
 */
export function productInverseMoment(law: ProductLaw, m: Complex): Complex {
  if (!Number.isFinite(m.re) || !Number.isFinite(m.im) || (m.re === 0 && m.im === 0)) throw new InvalidSpecError('m', 'must be finite and non-zero');
  let logChi: Complex = { re: law.logScale, im: 0 };
  const s = { re: 1 + m.re, im: m.im };
  for (let j = 0; j < law.roots.length; j++) {
    const lg = C.log({ re: s.re - law.roots[j]!, im: s.im });
    logChi = C.add(logChi, C.scale(lg, law.powers[j]!));
  }
  for (const d of law.discrete) {
    let w: Complex | null = null;
    for (let k = 6; k >= 0; k--) {
      const mk = C.scale(m, Math.pow(0.5, k));
      const sk = { re: 1 + mk.re, im: mk.im };
      const guess: Complex = w ?? C.add(C.div({ re: d.mean, im: 0 }, mk), { re: d.second / d.mean, im: 0 });
      const r = innerSolve(d, sk, guess, false);
      if (r === null) throw new NonConvergenceError(`chi(m): inner solve failed at m = ${mk.re} + ${mk.im}i`);
      w = r.w;
    }
    logChi = C.add(logChi, C.scale(C.log(w!), d.power));
  }
  return { re: Math.exp(logChi.re) * Math.cos(logChi.im), im: Math.exp(logChi.re) * Math.sin(logChi.im) };
}

export function productSTransform(law: ProductLaw, m: Complex): Complex {
  const chi = productInverseMoment(law, m);
  return C.div({ re: 1 + m.re, im: m.im }, C.mul(m, chi));
}
