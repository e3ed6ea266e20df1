/**
 * Log-densities of the bias laws that enter the Kac-Rice integrand (theory/06-fixed-points.md
 * (6.12)): p_b(c) = prod_i p(c_i) for i.i.d. biases sigma_b Z.
 * - gaussian: Z ~ N(0, 1);
 * - cauchy: standard Cauchy;
 * - stable(alpha): standard SaS with E exp(itZ) = exp(-|t|^alpha) (theory/05 (5.3)); closed forms at
 *   alpha = 1 and 2, otherwise a table of log f on an asinh grid (linear interpolation, 4000 nodes on
 *   asinh(x) in [0, asinh(1e6)], relative error below 1e-5 at the nodes' spacing) built once per alpha
 *   from stableDensity, and the tail f(x) ~ alpha C_alpha / 2 |x|^{-alpha-1} (C_alpha the tail constant
 *   of laws.ts, theory (2.10)) beyond |x| = 1e6, where its relative error is of order |x|^{-alpha}.
 */
import { logGamma } from '../numerics/special.ts';
import { InvalidSpecError } from '../errors.ts';
import { tailConstant } from '../laws/weightLaws.ts';
import { stableDensity } from '../meanfield/stableDensity.ts';
import type { LawSpec } from '../spec/networkSpec.ts';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const TABLE_NODES = 4000;
const TABLE_XMAX = 1e6;
const stableTables = new Map<number, Float64Array>();

function stableLogTable(alpha: number): Float64Array {
  let t = stableTables.get(alpha);
  if (t === undefined) {
    t = new Float64Array(TABLE_NODES + 1);
    const ymax = Math.asinh(TABLE_XMAX);
    for (let k = 0; k <= TABLE_NODES; k++) t[k] = Math.log(stableDensity(alpha, Math.sinh((k / TABLE_NODES) * ymax)));
    stableTables.set(alpha, t);
  }
  return t;
}

/** log of the unit SaS(alpha) density (see top). */
export function stableLogDensity(alpha: number, x: number): number {
  const ax = Math.abs(x);
  if (alpha === 1) return -Math.log(Math.PI * (1 + ax * ax));
  if (alpha === 2) return -(ax * ax) / 4 - Math.log(2 * Math.sqrt(Math.PI));
  if (ax >= TABLE_XMAX) return Math.log((alpha * tailConstant({ name: 'stable', alpha, scale: 1 })) / 2) - (alpha + 1) * Math.log(ax);
  const t = stableLogTable(alpha);
  const pos = (Math.asinh(ax) / Math.asinh(TABLE_XMAX)) * TABLE_NODES;
  const k = Math.min(Math.floor(pos), TABLE_NODES - 1);
  const f = pos - k;
  return (1 - f) * t[k]! + f * t[k + 1]!;
}

/** x -> log density of the scalar law sigma_b Z at x. Throws for laws without a usable density. */
export function biasLogDensity(law: LawSpec): (x: number) => number {
  const s = law.scale;
  const ls = Math.log(s);
  switch (law.name) {
    case 'gaussian':
      return (x) => -0.5 * (x / s) * (x / s) - LOG_SQRT_2PI - ls;
    case 'cauchy':
      return (x) => -Math.log(Math.PI * s * (1 + (x / s) * (x / s)));
    case 'stable': {
      const a = law.alpha!;
      if (!(a >= 0.1 && a <= 2)) throw new InvalidSpecError('bias.alpha', `the stable bias density is available for alpha in [0.1, 2], got ${a}`);
      return (x) => stableLogDensity(a, x / s) - ls;
    }
    default:
      throw new InvalidSpecError('bias', `the Kac-Rice estimator needs a bias law with a density (gaussian|cauchy|stable), got ${law.name}`);
  }
}

/** log density of the Student t law with nu degrees of freedom and scale s at x. */
export function studentLogDensity(nu: number, s: number, x: number): number {
  const z = x / s;
  return logGamma((nu + 1) / 2) - logGamma(nu / 2) - 0.5 * Math.log(nu * Math.PI) - Math.log(s) - ((nu + 1) / 2) * Math.log1p((z * z) / nu);
}
