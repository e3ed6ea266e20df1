/**
 * Truncated power series and the series-reversion route from S-transforms to moments
 * (theory/01-transforms.md section 1.4). A series is a Float64Array of coefficients a_0..a_{n}.
 */

export function seriesMul(a: Float64Array, b: Float64Array, n = Math.min(a.length, b.length) - 1): Float64Array {
  const out = new Float64Array(n + 1);
  for (let i = 0; i <= n && i < a.length; i++) {
    const ai = a[i]!;
    if (ai === 0) continue;
    for (let j = 0; i + j <= n && j < b.length; j++) out[i + j] += ai * b[j]!;
  }
  return out;
}

/** 1 / a as a power series (a_0 != 0). */
export function seriesReciprocal(a: Float64Array, n = a.length - 1): Float64Array {
  if (a[0] === 0) throw new RangeError('seriesReciprocal: constant term is 0');
  const out = new Float64Array(n + 1);
  out[0] = 1 / a[0]!;
  for (let k = 1; k <= n; k++) {
    let s = 0;
    for (let j = 1; j <= k && j < a.length; j++) s += a[j]! * out[k - j]!;
    out[k] = -s / a[0]!;
  }
  return out;
}

/** a^p for an integer p (negative allowed when a_0 != 0). */
export function seriesIntPow(a: Float64Array, p: number, n = a.length - 1): Float64Array {
  if (!Number.isInteger(p)) throw new RangeError('seriesIntPow: integer power expected');
  let base: Float64Array = p < 0 ? seriesReciprocal(a, n) : a.slice(0, n + 1);
  let e = Math.abs(p);
  let out: Float64Array = new Float64Array(n + 1);
  out[0] = 1;
  while (e > 0) {
    if (e & 1) out = seriesMul(out, base, n);
    e >>= 1;
    if (e > 0) base = seriesMul(base, base, n);
  }
  return out;
}

/** (c + m)^p for real p, c > 0: c^p (1 + m/c)^p by the binomial series. */
export function seriesAffinePow(c: number, p: number, n: number): Float64Array {
  const out = new Float64Array(n + 1);
  out[0] = Math.pow(c, p);
  for (let k = 1; k <= n; k++) out[k] = (out[k - 1]! * (p - k + 1)) / (k * c);
  return out;
}

/**
 * Lagrange inversion (theory/01-transforms.md (1.9)): if u = m / T(m) with T(0) != 0, the inverse
 * series m(u) has [u^k] m = (1/k) [m^{k-1}] T(m)^k. Returns coefficients 1..n (index k-1).
 */
export function lagrangeInversion(T: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  let power: Float64Array = new Float64Array(n);
  power[0] = 1;
  const t = T.slice(0, n);
  for (let k = 1; k <= n; k++) {
    power = seriesMul(power, t, n - 1);
    out[k - 1] = power[k - 1]! / k;
  }
  return out;
}
