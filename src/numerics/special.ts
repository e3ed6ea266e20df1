/**
 * Special functions shared by the mean-field, free-probability, law and counting code: erf and
 * log Gamma. They sit below every stage that uses them, so no stage imports another for them.
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/**
 * erf to about 1e-15 relative: series erf(x) = 2/sqrt(pi) e^{-x^2} sum_n 2^n x^{2n+1} / (2n+1)!!
 * (all terms positive, no cancellation) for |x| < 3, continued fraction for erfc beyond
 * (theory/02-finite-networks.md (2.1)).
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 3) {
    let term = ax;
    let sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    const v = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
    return x < 0 ? -v : v;
  }
  const v = 1 - erfcLarge(ax);
  return x < 0 ? -v : v;
}

/** erfc(x) for x >= 3 by the continued fraction erfc(x) = e^{-x^2}/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))), Lentz. */
function erfcLarge(x: number): number {
  // K = x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))): a_k = k/2.
  const tiny = 1e-300;
  let f = x;
  let C = x;
  let D = 0;
  for (let k = 1; k < 300; k++) {
    const a = k / 2;
    D = x + a * D;
    if (Math.abs(D) < tiny) D = tiny;
    C = x + a / C;
    if (Math.abs(C) < tiny) C = tiny;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}

/** log Gamma(z) for z > 0 (Lanczos, g = 7, 9 terms; ~1e-15 relative), reflection below 1/2. */
export function logGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - logGamma(1 - z);
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  const x = z - 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}
