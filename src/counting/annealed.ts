/**
 * Annealed large-N complexity of the fixed points, Sigma_ann = lim (1/N) log E[# fixed points], from
 * the law of the squared singular values of the Jacobian (theory/06-fixed-points.md section 6.9,
 * (6.22)-(6.26)).
 *
 * Kac-Rice (6.12) with the determinant decoupled from the bias density gives
 * (1/N) log E[#] ~ (1/N) log E|det(I - J)| (6.22). By Fuglede-Kadison, (1/N) log|det(I - J)| is half the
 * mean of log s over the squared singular values s of I - J, and equals the integral of log|1 - z| over
 * the Brown measure of J (6.23). For an R-diagonal J (bi-unitarily invariant in the large-N limit)
 * the Brown measure is rotation invariant with the radial law of Haagerup and Larsen,
 * F(1 / sqrt(S_nu(t - 1))) = t, nu the law of the squared singular values of J and S_nu its
 * S-transform (6.24), so the integral is that of log max(1, r) (6.25):
 *   Sigma_ann = (1/2) int_{nu{0}}^{1} max(0, -log S_nu(t - 1)) dt.                           (6.26)
 * Light tails: S_nu is the product of the S-transforms of the weight and D^2 factors
 * (src/jacobian/light.ts jacobianFactors; exact moments from src/freeprob/multiplicative.ts productLaw). Heavy tails:
 * nu is the population-dynamics law of J J^T (src/jacobian/heavy.ts), and S_nu(w) is found by inverting
 * psi(z) = int zx/(1 - zx) dnu(x) = w on z < 0 by bisection.
 *
 * Labelled "annealed": it is log E[#], not E log # (the quenched, typical count), and it uses the
 * law of J at a typical input, not at a fixed point; theory/06 section 6.9 says where they differ.
 */
import { InvalidSpecError, NonConvergenceError, requireInteger } from '../errors.ts';
import { productLaw, type ProductLaw } from '../freeprob/multiplicative.ts';
import { solveHeavySpectrum, type HeavySpectrum, type HeavySpectrumOptions } from '../jacobian/heavy.ts';
import { takesLightRoute } from '../jacobian/index.ts';
import { jacobianFactors } from '../jacobian/light.ts';
import { naturalConstant } from '../laws/weightLaws.ts';
import type { NetworkSpec } from '../spec/networkSpec.ts';

/** Midpoint nodes in t of the integral (6.26). */
const T_NODES = 512;

/**
 * (6.26) for an S-transform evaluator on (-1 + zeroMass, 0): (1/2) int max(0, -log S(t - 1)) dt over
 * t in (zeroMass, 1), by the midpoint rule on `nodes` nodes.
 */
export function complexityFromSTransform(S: (w: number) => number, zeroMass = 0, nodes = T_NODES): number {
  requireInteger('nodes', nodes, 8, 1e7);
  if (!(zeroMass >= 0 && zeroMass < 1)) throw new InvalidSpecError('zeroMass', `must be in [0, 1), got ${zeroMass}`);
  const h = (1 - zeroMass) / nodes;
  let sum = 0;
  for (let k = 0; k < nodes; k++) {
    const t = zeroMass + (k + 0.5) * h;
    const s = S(t - 1);
    if (!(s > 0) || !Number.isFinite(s)) throw new NonConvergenceError(`annealed complexity: S-transform ${s} at w = ${t - 1}`);
    sum += Math.max(0, -Math.log(s));
  }
  return 0.5 * sum * h;
}

/**
 * The S-transform on (-1 + nu{0}, 0) of a law given by atoms (x_i >= 0, masses w_i summing to 1):
 * psi(z) = sum w_i z x_i / (1 - z x_i) = w solved for z < 0 by bisection on log(-z), then
 * S(w) = z (1 + w) / w (6.24).
 */
export function sTransformOfAtoms(x: ArrayLike<number>, w: ArrayLike<number>): { S: (m: number) => number; zeroMass: number } {
  if (x.length !== w.length || x.length === 0) throw new InvalidSpecError('law', 'needs as many masses as points, at least one');
  let total = 0, zeroMass = 0;
  for (let i = 0; i < x.length; i++) {
    if (!(x[i]! >= 0) || !(w[i]! >= 0)) throw new InvalidSpecError('law', 'points and masses must be >= 0');
    total += w[i]!;
    if (x[i] === 0) zeroMass += w[i]!;
  }
  if (Math.abs(total - 1) > 1e-9) throw new InvalidSpecError('law', `masses must sum to 1, got ${total}`);
  const psi = (z: number) => {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += (w[i]! * z * x[i]!) / (1 - z * x[i]!);
    return s;
  };
  const S = (m: number) => {
    if (!(m > -1 + zeroMass && m < 0)) throw new InvalidSpecError('m', `must lie in (${-1 + zeroMass}, 0), got ${m}`);
    let lo = -700, hi = 700; // log(-z); psi decreases from 0 to -(1 - zeroMass) as -z grows
    if (psi(-Math.exp(hi)) > m || psi(-Math.exp(lo)) < m) throw new NonConvergenceError(`S-transform: psi does not reach ${m} on the bracket`);
    for (let k = 0; k < 200 && hi - lo > 1e-13 * Math.max(1, Math.abs(lo)); k++) {
      const mid = 0.5 * (lo + hi);
      if (psi(-Math.exp(mid)) > m) lo = mid; else hi = mid;
    }
    const z = -Math.exp(0.5 * (lo + hi));
    return (z * (1 + m)) / m;
  };
  return { S, zeroMass };
}

export interface AnnealedComplexity {
  /** Sigma_ann (6.26), per unit width; >= 0. */
  complexity: number;
  /** exp(N Sigma_ann): the annealed large-N count of all fixed points at this width. */
  expectedAll: number;
  /** 'light': free multiplicative convolution; 'heavy': population dynamics. */
  route: 'light' | 'heavy';
  /** Radius sqrt(E[s]) of the Brown measure's support for light tails (sigma_w^2 E phi'^2)^(L/2); null for heavy tails. */
  outerRadius: number | null;
  /** Self-check: light, the S-transform against its exact moment expansion at m = -1e-6; heavy, the mass of the law inside its grid. */
  check: { name: string; value: number; passed: boolean };
  label: 'annealed';
}

export interface AnnealedOptions extends Pick<HeavySpectrumOptions, 'populationSize' | 'sweeps' | 'replicas' | 'seed'> {
  nodes?: number;
}

/** Light route: S_nu is the product of the factors' S-transforms (exact in the large-N limit). */
function lightComplexity(spec: Omit<NetworkSpec, 'seed'>, nodes: number): AnnealedComplexity {
  if (spec.bias !== null && spec.bias.name !== 'gaussian') throw new InvalidSpecError('bias', `the light-tailed route supports gaussian|none biases, got ${spec.bias.name}`);
  // Raw scaling multiplies unit draws by sigma_w; the same weights are natural-scaled with sigma_w a_N.
  const sigmaW = spec.scaling === 'raw' ? spec.weights.scale * naturalConstant(spec.weights, spec.N) : spec.weights.scale;
  const { factors } = jacobianFactors({ activation: spec.activation, sigmaW, sigmaB: spec.bias === null ? 0 : spec.bias.scale, L: spec.L });
  const law: ProductLaw = productLaw(factors);
  // S of a product of free factors is the product of their S-transforms (theory/03 (3.3)): a rational
  // factor chi(s) = scale prod (s - root_j)^{p_j} / (s - 1), s = 1 + m, has S(m) = s / (scale prod (s - root_j)^{p_j});
  // a discrete factor (a D^2 law) is inverted from its atoms.
  const parts = factors.map(({ factor, power }) => {
    if (factor.kind === 'rational') {
      return { power, S: (m: number) => (1 + m) / (factor.scale * factor.terms.reduce((acc, t) => acc * Math.pow(1 + m - t.root, t.power), 1)) };
    }
    return { power, S: sTransformOfAtoms(factor.points, factor.weights).S };
  });
  const S = (m: number) => parts.reduce((acc, p) => acc * Math.pow(p.S(m), p.power), 1);
  // Self-check against the exact moments: S(m) = (1 - m (m_2 / m_1^2 - 1)) / m_1 + O(m^2) near m = 0.
  const m1 = law.moments[0]!, m2 = law.moments[1]!;
  const m = -1e-6;
  const dev = Math.abs(S(m) * m1 - (1 - m * (m2 / (m1 * m1) - 1)));
  if (!(dev < 1e-8)) throw new NonConvergenceError(`annealed complexity: S(${m}) m_1 misses its moment expansion by ${dev} (the S-transform branch is wrong)`);
  const complexity = complexityFromSTransform(S, law.zeroAtom, nodes);
  return {
    complexity, expectedAll: Math.exp(spec.N * complexity), route: 'light', outerRadius: Math.sqrt(m1),
    check: { name: '|S(m) m_1 - (1 - m (m_2/m_1^2 - 1))| at m = -1e-6', value: dev, passed: true }, label: 'annealed',
  };
}

/** Heavy route: nu from the population dynamics, S_nu by inverting psi (6.24). */
function heavyComplexity(spec: Omit<NetworkSpec, 'seed'>, opts: AnnealedOptions, nodes: number): AnnealedComplexity {
  const r = solveHeavySpectrum(spec, {
    gridTo: 1e12, route: 'population',
    ...(opts.populationSize !== undefined ? { populationSize: opts.populationSize } : {}),
    ...(opts.sweeps !== undefined ? { sweeps: opts.sweeps } : {}),
    ...(opts.replicas !== undefined ? { replicas: opts.replicas } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
  });
  return annealedFromHeavySpectrum(spec.N, r, nodes);
}

/**
 * (6.26) from a solved heavy-tailed law of J J^T (src/jacobian/heavy.ts): atoms at the bin centres
 * with the CDF increments (the mass below the grid at the first centre), the mass above the grid one
 * bin beyond the top.
 */
export function annealedFromHeavySpectrum(N: number, r: HeavySpectrum, nodes = T_NODES): AnnealedComplexity {
  const n = r.grid.length;
  if (n < 2) throw new InvalidSpecError('spectrum', 'needs at least two bins');
  const x = new Float64Array(n + 1), w = new Float64Array(n + 1);
  let prev = 0;
  for (let k = 0; k < n; k++) {
    x[k] = r.grid[k]!;
    w[k] = Math.max(0, r.cdf[k]! - prev);
    prev = Math.max(prev, r.cdf[k]!);
  }
  x[n] = r.grid[n - 1]! * (r.grid[n - 1]! / r.grid[n - 2]!);
  w[n] = Math.max(0, 1 - prev);
  const total = w.reduce((a, b) => a + b, 0);
  for (let k = 0; k <= n; k++) w[k] = w[k]! / total;
  const { S, zeroMass } = sTransformOfAtoms(x, w);
  const complexity = complexityFromSTransform(S, zeroMass, nodes);
  return {
    complexity, expectedAll: Math.exp(N * complexity), route: 'heavy', outerRadius: null,
    check: { name: 'population solve converged (replica error, deconvolution residual, mass on its grid)', value: r.diagnostics.massOnGrid, passed: r.diagnostics.converged }, label: 'annealed',
  };
}

/** Sigma_ann of (6.26) for a network spec, by the light or the heavy route (see top). */
export function annealedComplexity(spec: Omit<NetworkSpec, 'seed'> & { seed?: number }, opts: AnnealedOptions = {}): AnnealedComplexity {
  const nodes = requireInteger('nodes', opts.nodes ?? T_NODES, 8, 1e7);
  return takesLightRoute(spec.weights) ? lightComplexity(spec, nodes) : heavyComplexity(spec, opts, nodes);
}
