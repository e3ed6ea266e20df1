/**
 * Closed-form laws and the factors of free multiplicative convolution (theory/01-transforms.md).
 * Each factor is given by its inverse moment transform chi = M^{-1} (equivalently its S-transform
 * S(m) = (1+m) / (m chi(m))), so that products are solved by ./multiplicative.ts.
 */
import { InvalidSpecError, requireInRange, requireInteger, requirePositive } from '../errors.ts';
import * as C from './complex.ts';
import type { Complex } from './complex.ts';
import type { DiscreteFactor, RationalFactor } from './multiplicative.ts';

/**
 * Marchenko-Pastur law MP(c, sigma^2): eigenvalues of (sigma^2/M) X X^T, X of size N x M, c = N/M.
 * S(m) = 1/(sigma^2 (1 + c m))  (theory/01-transforms.md (1.12)), so
 * chi(s) = sigma^2 c s (s - (c-1)/c) / (s - 1) with s = 1 + m.
 * Free Poisson with rate lambda and jump size a is MP(1/lambda, lambda a) up to the same formula.
 */
export function marchenkoPasturFactor(c = 1, sigma2 = 1): RationalFactor {
  requirePositive('ratio', c);
  requirePositive('sigma2', sigma2);
  return {
    kind: 'rational',
    name: `marchenko-pastur(c=${c}, sigma2=${sigma2})`,
    scale: sigma2 * c,
    terms: [{ root: 0, power: 1 }, { root: (c - 1) / c, power: 1 }],
    atoms: c > 1 ? [{ at: 0, mass: 1 - 1 / c }] : [],
  };
}

/** Free Poisson law with rate lambda and jump size a: MP(1/lambda, lambda a) (theory/01-transforms.md (1.13)). */
export function freePoissonFactor(rate: number, jump = 1): RationalFactor {
  requirePositive('rate', rate);
  requirePositive('jump', jump);
  return { ...marchenkoPasturFactor(1 / rate, rate * jump), name: `free-poisson(rate=${rate}, jump=${jump})` };
}

/** Fuss-Catalan law of order L (product of L free MP(1,1)): S(m) = (1+m)^{-L}, chi = s^{L+1}/(s-1)  (1.14). */
export function fussCatalanFactor(L: number): RationalFactor {
  requireInteger('depth', L, 1, 10_000);
  return { kind: 'rational', name: `fuss-catalan(L=${L})`, scale: 1, terms: [{ root: 0, power: L + 1 }], atoms: [] };
}

/** Dirac mass at a > 0 (orthogonal weights: W^T W = sigma^2 I): S = 1/a, chi = a s/(s-1)  (1.15). */
export function diracFactor(a: number): RationalFactor {
  requirePositive('dirac.at', a);
  return { kind: 'rational', name: `dirac(${a})`, scale: a, terms: [{ root: 0, power: 1 }], atoms: [{ at: a, mass: 1 }] };
}

/**
 * Bernoulli law (1-p) delta_0 + p delta_a (D^2 for ReLU and hard-tanh):
 * S(m) = (1+m)/(a (p+m)), chi = a (s - (1-p)) / (s - 1)  (theory/01-transforms.md (1.16)).
 */
export function bernoulliFactor(p: number, a = 1): RationalFactor {
  requireInRange('p', p, 0, 1, true, false);
  requirePositive('bernoulli.at', a);
  if (p === 1) return diracFactor(a);
  return {
    kind: 'rational',
    name: `bernoulli(p=${p}, at=${a})`,
    scale: a,
    terms: [{ root: 1 - p, power: 1 }],
    atoms: [{ at: 0, mass: 1 - p }, { at: a, mass: p }],
  };
}

/** A finitely supported law sum_k w_k delta_{d_k} on [0, inf) (equal points merged). */
export function discreteFactor(points: ArrayLike<number>, weights: ArrayLike<number>, name = 'discrete'): DiscreteFactor {
  if (points.length !== weights.length || points.length === 0) throw new InvalidSpecError(name, 'points and weights must be non-empty and of equal length');
  const merged = new Map<number, number>();
  for (let k = 0; k < points.length; k++) {
    const d = points[k]!, w = weights[k]!;
    if (!(d >= 0) || !Number.isFinite(d)) throw new InvalidSpecError(`${name}.points`, `must be finite and >= 0, got ${d}`);
    if (!(w >= 0) || !Number.isFinite(w)) throw new InvalidSpecError(`${name}.weights`, `must be finite and >= 0, got ${w}`);
    if (w > 0) merged.set(d, (merged.get(d) ?? 0) + w);
  }
  let total = 0;
  for (const w of merged.values()) total += w;
  if (!(total > 0)) throw new InvalidSpecError(`${name}.weights`, 'must have a positive sum');
  const keys = [...merged.keys()].sort((a, b) => a - b);
  return {
    kind: 'discrete',
    name,
    points: Float64Array.from(keys),
    weights: Float64Array.from(keys.map((k) => merged.get(k)! / total)),
  };
}

// --- closed forms --------------------------------------------------------------------------------

/** Semicircle of variance 1 on [-2, 2]: density sqrt(4 - x^2)/(2 pi)  (theory/01-transforms.md (1.10)). */
export function semicircleDensity(x: number): number {
  return Math.abs(x) < 2 ? Math.sqrt(4 - x * x) / (2 * Math.PI) : 0;
}

/** G(z) = (z - sqrt(z^2 - 4))/2 with the branch G ~ 1/z at infinity  (1.10). */
export function semicircleStieltjes(z: Complex): Complex {
  // sqrt(z-2) sqrt(z+2) has the right branch (cut on [-2, 2]).
  const r = C.mul(C.sqrt(C.sub(z, C.complex(2))), C.sqrt(C.add(z, C.complex(2))));
  // (z - r)/2 = 2/(z + r): the second form has no cancellation at large |z|.
  return C.div(C.complex(2), C.add(z, r));
}

/** R(w) = w for the semicircle (its free cumulants are kappa_2 = 1)  (1.11). */
export function semicircleR(w: Complex): Complex {
  return w;
}

/** Moments m_1..m_n of the semicircle: Catalan numbers at even orders. */
export function semicircleMoments(n: number): number[] {
  const out: number[] = [];
  for (let k = 1; k <= n; k++) out.push(k % 2 === 1 ? 0 : catalan(k / 2));
  return out;
}

function catalan(k: number): number {
  let c = 1;
  for (let i = 0; i < k; i++) c = (c * 2 * (2 * i + 1)) / (i + 2);
  return c;
}

/** MP(c, sigma^2) density (absolutely continuous part)  (theory/01-transforms.md (1.12)). */
export function marchenkoPasturDensity(x: number, c = 1, sigma2 = 1): number {
  const a = sigma2 * (1 - Math.sqrt(c)) ** 2, b = sigma2 * (1 + Math.sqrt(c)) ** 2;
  if (!(x > a && x < b)) return 0;
  return Math.sqrt((b - x) * (x - a)) / (2 * Math.PI * sigma2 * c * x);
}

/** MP Stieltjes transform: root of c sigma^2 z G^2 - (z - sigma^2(1-c)) G + 1 = 0 with G ~ 1/z  (1.12). */
export function marchenkoPasturStieltjes(z: Complex, c = 1, sigma2 = 1): Complex {
  const a = sigma2 * (1 - Math.sqrt(c)) ** 2, b = sigma2 * (1 + Math.sqrt(c)) ** 2;
  const r = C.mul(C.sqrt(C.sub(z, C.complex(a))), C.sqrt(C.sub(z, C.complex(b))));
  const num = C.sub(C.sub(z, C.complex(sigma2 * (1 - c))), r);
  return C.div(num, C.scale(z, 2 * c * sigma2));
}

/** MP R-transform R(w) = sigma^2 / (1 - c sigma^2 w)  (1.12). */
export function marchenkoPasturR(w: Complex, c = 1, sigma2 = 1): Complex {
  return C.div(C.complex(sigma2), C.sub(C.complex(1), C.scale(w, c * sigma2)));
}

/** eta-transform eta(gamma) = E[1/(1 + gamma X)] = -(1/gamma) G(-1/gamma)  (theory/01-transforms.md (1.5)). */
export function etaFromStieltjes(G: (z: Complex) => Complex, gamma: number): number {
  requirePositive('gamma', gamma);
  return -G(C.complex(-1 / gamma)).re / gamma;
}

/**
 * A factor for free multiplicative convolution by name. Laws that are not supported on [0, inf)
 * (semicircle) have no S-transform in the sense used here and are refused (theory/01-transforms.md (1.7)).
 */
export function factorByName(name: string, opts: { ratio?: number; depth?: number; sigma2?: number } = {}): RationalFactor {
  switch (name) {
    case 'marchenko-pastur': return marchenkoPasturFactor(opts.ratio ?? 1, opts.sigma2 ?? 1);
    case 'fuss-catalan': return fussCatalanFactor(opts.depth ?? 2);
    case 'semicircle':
      throw new InvalidSpecError('law', 'semicircle has no S-transform: it is not supported on [0, inf) and has mean 0, so it cannot be a factor of a free multiplicative convolution');
    default:
      throw new InvalidSpecError('law', `must be one of marchenko-pastur|fuss-catalan (factors with an S-transform), got ${JSON.stringify(name)}`);
  }
}
