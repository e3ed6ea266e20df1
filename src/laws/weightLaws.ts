/**
 * I.i.d. weight and bias laws (docs/design.md section 2; theory/02-finite-networks.md section 2.2).
 *
 * Unit laws (before any multiplier):
 * - gaussian: N(0, 1).
 * - cauchy: standard Cauchy, density 1/(pi (1 + x^2)).
 * - stable(alpha): symmetric alpha-stable with characteristic function exp(-|t|^alpha), sampled by
 *   Chambers-Mallows-Stuck (theory (2.6)); alpha = 1 is the standard Cauchy, alpha = 2 is N(0, 2).
 * - student(nu): Student t with nu degrees of freedom (Bailey's polar method, theory (2.7)).
 * - pareto(alpha): symmetric Pareto, P(|X| > x) = x^-alpha for x >= 1, random sign (theory (2.8)).
 * `sampleLaw` returns `law.scale` times unit draws; width scaling is `naturalScale`.
 */
import { InvalidSpecError, requireInteger } from '../errors.ts';
import { logGamma } from '../numerics/special.ts';
import type { Rng } from '../random/rng.ts';
import { validateLaw, type LawSpec } from '../spec/networkSpec.ts';

/** Unit-law draw (no multiplier). */
function unitSampler(law: LawSpec): (rng: Rng) => number {
  switch (law.name) {
    case 'gaussian':
      return (rng) => rng.normal();
    case 'cauchy':
      // Inverse CDF: tan(pi (U - 1/2)), U in (0, 1) (theory (2.5)).
      return (rng) => Math.tan(Math.PI * (rng.uniformOpen() - 0.5));
    case 'stable': {
      const alpha = law.alpha!;
      return (rng) => cmsSymmetricStable(alpha, rng);
    }
    case 'student': {
      const nu = law.alpha!;
      // Bailey (1994): (U, V) uniform in the unit disc, W = U^2 + V^2, T = U sqrt(nu (W^{-2/nu} - 1) / W)  (theory (2.7)).
      return (rng) => {
        for (;;) {
          const u = 2 * rng.uniform() - 1;
          const v = 2 * rng.uniform() - 1;
          const w = u * u + v * v;
          if (w >= 1 || w === 0) continue;
          return u * Math.sqrt((nu * (Math.pow(w, -2 / nu) - 1)) / w);
        }
      };
    }
    case 'pareto': {
      const alpha = law.alpha!;
      // |X| = U^{-1/alpha} has P(|X| > x) = x^{-alpha}, x >= 1; the sign is a fair coin (theory (2.8)).
      return (rng) => {
        const sign = rng.uniform() < 0.5 ? -1 : 1;
        return sign * Math.pow(rng.uniformOpen(), -1 / alpha);
      };
    }
  }
}

/**
 * Chambers-Mallows-Stuck for the symmetric alpha-stable law with E exp(itX) = exp(-|t|^alpha)
 * (Chambers, Mallows, Stuck 1976; Weron 1996), theory/02-finite-networks.md (2.6):
 * V ~ U(-pi/2, pi/2), W ~ Exp(1), X = sin(alpha V)/cos(V)^{1/alpha} (cos((1-alpha) V)/W)^{(1-alpha)/alpha}.
 * alpha = 1 reduces exactly to tan V (standard Cauchy); alpha = 2 to 2 sqrt(W) sin V ~ N(0, 2).
 */
export function cmsSymmetricStable(alpha: number, rng: Rng): number {
  const v = Math.PI * (rng.uniformOpen() - 0.5);
  const w = -Math.log(rng.uniformOpen());
  if (alpha === 1) return Math.tan(v);
  if (alpha === 2) return 2 * Math.sqrt(w) * Math.sin(v);
  return (Math.sin(alpha * v) / Math.pow(Math.cos(v), 1 / alpha)) *
    Math.pow(Math.cos((1 - alpha) * v) / w, (1 - alpha) / alpha);
}

/** Fill `out` with i.i.d. draws of the law times `law.scale` (no width scaling). */
export function sampleLaw(law: LawSpec, rng: Rng, out: Float64Array): Float64Array {
  validateLaw('law', law);
  const draw = unitSampler(law);
  const s = law.scale;
  for (let i = 0; i < out.length; i++) out[i] = s * draw(rng);
  return out;
}

/**
 * Tail index: alpha for stable (2 at alpha = 2), 1 for cauchy, nu for student and alpha for pareto,
 * capped at 2: a law with finite variance reports 2 (gaussian, student nu > 2, pareto alpha > 2).
 */
export function tailIndex(law: LawSpec): number {
  validateLaw('law', law);
  switch (law.name) {
    case 'gaussian': return 2;
    case 'cauchy': return 1;
    case 'stable':
    case 'student':
    case 'pareto': return Math.min(law.alpha!, 2);
  }
}

/** Variance of the unit law, or Infinity (theory (2.9)). */
export function unitVariance(law: LawSpec): number {
  validateLaw('law', law);
  switch (law.name) {
    case 'gaussian': return 1;
    case 'cauchy': return Infinity;
    case 'stable': return law.alpha === 2 ? 2 : Infinity;
    case 'student': return law.alpha! > 2 ? law.alpha! / (law.alpha! - 2) : Infinity;
    case 'pareto': return law.alpha! > 2 ? law.alpha! / (law.alpha! - 2) : Infinity;
  }
}

/**
 * Tail constant C of the unit law: P(|X| > x) ~ C x^{-alpha} as x -> infinity (theory (2.10)).
 * stable: C = 2 Gamma(alpha) sin(pi alpha / 2) / pi (cauchy: 2/pi); student(nu): C = 2 K_nu nu^{(nu-1)/2}
 * with K_nu = Gamma((nu+1)/2) / (sqrt(nu pi) Gamma(nu/2)); pareto: C = 1. Gaussian: 0 (no power tail).
 */
export function tailConstant(law: LawSpec): number {
  validateLaw('law', law);
  switch (law.name) {
    case 'gaussian': return 0;
    case 'cauchy': return 2 / Math.PI;
    case 'stable': {
      const a = law.alpha!;
      if (a === 2) return 0;
      return (2 * Math.exp(logGamma(a)) * Math.sin((Math.PI * a) / 2)) / Math.PI;
    }
    case 'student': {
      const nu = law.alpha!;
      const logK = logGamma((nu + 1) / 2) - 0.5 * Math.log(nu * Math.PI) - logGamma(nu / 2);
      return 2 * Math.exp(logK + ((nu - 1) / 2) * Math.log(nu));
    }
    case 'pareto': return 1;
  }
}

/**
 * The natural width constant a_N of a law (theory (2.11)-(2.12)); naturalScale = 1 / a_N.
 * - finite variance v of the unit law: a_N = sqrt(N v), so N Var(a_N^{-1} scale X) = scale^2
 *   (gaussian: a_N = sqrt(N)).
 * - infinite variance (tail index alpha <= 2): a_N = (C N)^{1/alpha} with C the tail constant,
 *   i.e. N P(|X| > a_N u) -> u^{-alpha} (the Ben Arous-Guionnet convention for Levy matrices).
 *   Cauchy: a_N = 2N/pi. Symmetric stable: a_N = (2 Gamma(alpha) sin(pi alpha/2) N / pi)^{1/alpha}
 *   (this differs by the constant factor (2 Gamma(alpha) sin(pi alpha/2)/pi)^{1/alpha} from the
 *   "sum-stable" choice N^{1/alpha}, under which a row sum is again standard stable).
 *   For student nu = 2 and pareto alpha = 2 the exact normalisation has a log N factor; we still use
 *   (C N)^{1/2} (documented approximation).
 */
export function naturalConstant(law: LawSpec, N: number): number {
  requireInteger('width', N, 1);
  const v = unitVariance(law);
  if (Number.isFinite(v)) return Math.sqrt(N * v);
  const alpha = tailIndex(law);
  const C = tailConstant(law);
  if (!(C > 0)) throw new InvalidSpecError('law', `no natural constant for ${law.name}`);
  return Math.pow(C * N, 1 / alpha);
}

/** Width scaling factor 1 / a_N (see naturalConstant); multiplies `law.scale` times unit draws. */
export function naturalScale(law: LawSpec, N: number): number {
  return 1 / naturalConstant(law, N);
}
