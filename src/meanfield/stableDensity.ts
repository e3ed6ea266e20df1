/**
 * Density and CDF of the standard symmetric alpha-stable law, E exp(itZ) = exp(-|t|^alpha),
 * theory/05-heavy-tailed.md (5.3)-(5.4). Exact closed forms at alpha = 1 (Cauchy) and alpha = 2
 * (N(0, 2)); otherwise Fourier inversion along a rotated ray t = r e^{i theta} in the upper half plane,
 * on which the oscillating factor e^{itx} decays, evaluated by exp-sinh quadrature:
 *
 *   f(x) = (1/pi) Re e^{i theta} int_0^inf e^{-A r} (e^{-B r^alpha} - [x >= 1]) dr             (5.3)
 *   F(x) = 1 - (1/pi) Im int_0^inf e^{-A r} (1 - e^{-B r^alpha}) dr / r,   x > 0               (5.4)
 *
 * with A = -i x e^{i theta}, B = e^{i alpha theta}, theta = min(pi/2, 0.35 pi/alpha) so that
 * Re A >= 0 and arg B <= 0.35 pi. Subtracting 1 in (5.3) (whose integral i/x is purely imaginary)
 * removes the cancellation for large x. Step h = 1/64: ~1e-15 absolute at alpha = 1, 2 (tested).
 */
import { erf, logGamma } from '../numerics/special.ts';
import { requireFinite, requireInRange } from '../errors.ts';



const HALF_PI = Math.PI / 2;

function validateAlpha(alpha: number): void {
  requireInRange('alpha', alpha, 0.1, 2);
}

/**
 * Exp-sinh quadrature of int_0^inf e^{-A r} g(r) dr / r^{k} for complex A (Re A > 0), where
 * `term(r)` returns [re, im] of the full integrand (already including e^{-A r}); r0 is the scale.
 */
function expSinh(term: (r: number) => [number, number], r0: number, h = 1 / 64): [number, number] {
  let sre = 0;
  let sim = 0;
  for (const dir of [1, -1]) {
    let small = 0;
    for (let k = dir === 1 ? 0 : 1; k < 3000; k++) {
      const tau = dir * k * h;
      const r = r0 * Math.exp(HALF_PI * Math.sinh(tau));
      if (!Number.isFinite(r) || r === 0) break;
      const w = h * HALF_PI * Math.cosh(tau) * r;
      const [a, b] = term(r);
      const cre = w * a;
      const cim = w * b;
      sre += cre;
      sim += cim;
      const mag = Math.abs(cre) + Math.abs(cim);
      if (mag < 1e-17 * (Math.abs(sre) + Math.abs(sim)) || mag === 0) small++;
      else small = 0;
      if (small >= 3 && k > 5) break;
    }
  }
  return [sre, sim];
}

/** Ray angle used for alpha (see module comment). */
const rayAngle = (alpha: number): number => Math.min(HALF_PI, (0.35 * Math.PI) / alpha);

/** Numerical density by (5.3), for any alpha in [0.1, 2] (no closed-form shortcut). */
export function stableDensityNumeric(alpha: number, x: number): number {
  validateAlpha(alpha);
  requireFinite('x', x);
  const ax = Math.abs(x);
  const th = rayAngle(alpha);
  const ct = Math.cos(th), st = Math.sin(th);
  // A = -i x e^{i theta} = x sin(theta) - i x cos(theta); B = e^{i alpha theta}.
  const Are = ax * st, Aim = -ax * ct;
  const Bre = Math.cos(alpha * th), Bim = Math.sin(alpha * th);
  const subtract = ax >= 1;
  const term = (r: number): [number, number] => {
    const ra = Math.pow(r, alpha);
    // e^{-A r}
    const ea = Math.exp(-Are * r);
    const ca = ea * Math.cos(-Aim * r), sa = ea * Math.sin(-Aim * r);
    // e^{-B r^alpha} (- 1 if subtracting): expm1 form for accuracy at small r.
    const eb = Math.exp(-Bre * ra);
    const phb = -Bim * ra;
    let gre: number, gim: number;
    if (subtract) {
      gre = Math.expm1(-Bre * ra) * Math.cos(phb) - 2 * Math.sin(phb / 2) ** 2;
      gim = eb * Math.sin(phb);
    } else {
      gre = eb * Math.cos(phb);
      gim = eb * Math.sin(phb);
    }
    return [ca * gre - sa * gim, ca * gim + sa * gre];
  };
  const r0 = 1 / (ax + 1);
  const [ire, iim] = expSinh(term, r0);
  // (1/pi) Re(e^{i theta} I)
  return (ct * ire - st * iim) / Math.PI;
}

/** Numerical CDF by (5.4), for any alpha in [0.1, 2]. */
export function stableCdfNumeric(alpha: number, x: number): number {
  validateAlpha(alpha);
  requireFinite('x', x);
  if (x === 0) return 0.5;
  const ax = Math.abs(x);
  const th = rayAngle(alpha);
  const ct = Math.cos(th), st = Math.sin(th);
  const Are = ax * st, Aim = -ax * ct;
  const Bre = Math.cos(alpha * th), Bim = Math.sin(alpha * th);
  const term = (r: number): [number, number] => {
    const ra = Math.pow(r, alpha);
    const ea = Math.exp(-Are * r) / r;
    const ca = ea * Math.cos(-Aim * r), sa = ea * Math.sin(-Aim * r);
    const phb = -Bim * ra;
    // 1 - e^{-B r^alpha}
    const gre = -(Math.expm1(-Bre * ra) * Math.cos(phb) - 2 * Math.sin(phb / 2) ** 2);
    const gim = -Math.exp(-Bre * ra) * Math.sin(phb);
    return [ca * gre - sa * gim, ca * gim + sa * gre];
  };
  const [, iim] = expSinh(term, 1 / ax);
  const upper = 1 - iim / Math.PI;
  return x > 0 ? upper : 1 - upper;
}

/** Standard SaS(alpha) density f_alpha(x), theory (5.3); closed forms at alpha = 1 and 2 (5.5). */
export function stableDensity(alpha: number, x: number): number {
  validateAlpha(alpha);
  requireFinite('x', x);
  if (alpha === 1) return 1 / (Math.PI * (1 + x * x));
  if (alpha === 2) return Math.exp(-(x * x) / 4) / (2 * Math.sqrt(Math.PI));
  return stableDensityNumeric(alpha, x);
}

/** Standard SaS(alpha) CDF, theory (5.4); closed forms at alpha = 1 and 2 (5.5). */
export function stableCdf(alpha: number, x: number): number {
  validateAlpha(alpha);
  requireFinite('x', x);
  if (alpha === 1) return 0.5 + Math.atan(x) / Math.PI;
  if (alpha === 2) return 0.5 * (1 + erf(x / 2));
  return stableCdfNumeric(alpha, x);
}

/** f_alpha(0) = Gamma(1 + 1/alpha)/pi, theory (5.5). */
export function stableDensityAtZero(alpha: number): number {
  validateAlpha(alpha);
  return Math.exp(logGamma(1 + 1 / alpha)) / Math.PI;
}
