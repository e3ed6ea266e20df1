/**
 * Elementary statistics shared by every stage that reports an estimate: the sample mean and
 * standard deviation, the Wilson interval of a binomial proportion and the normal quantile it uses.
 */
import { InvalidSpecError, requireInteger } from '../errors.ts';

/** Mean and sample standard deviation (n-1), by a two-pass sum in the given order. */
export function meanAndSd(xs: readonly number[]): { mean: number; sd: number | null } {
  const n = xs.length;
  if (n === 0) throw new InvalidSpecError('values', 'mean of an empty sample');
  let s = 0;
  for (const x of xs) s += x;
  const mean = s / n;
  if (n < 2) return { mean, sd: null };
  let ss = 0;
  for (const x of xs) ss += (x - mean) * (x - mean);
  return { mean, sd: Math.sqrt(ss / (n - 1)) };
}

/** A binomial proportion with its Wilson score interval (theory/08-associative-memory.md (8.3)). */
export interface BinomialInterval {
  successes: number;
  trials: number;
  /** successes / trials. */
  rate: number;
  lower: number;
  upper: number;
  /** Two-sided confidence level of [lower, upper]. */
  confidence: number;
}

/**
 * Wilson score interval for a binomial proportion (Wilson 1927; theory/08 (8.3)):
 * (p + z^2/(2n) +- z sqrt(p(1-p)/n + z^2/(4n^2))) / (1 + z^2/n), p = s/n, z = the normal quantile
 * of the confidence level (default 0.95: z = 1.959963984540054). Never leaves [0, 1].
 */
export function wilsonInterval(successes: number, trials: number, confidence = 0.95): BinomialInterval {
  requireInteger('trials', trials, 1);
  requireInteger('successes', successes, 0, trials);
  if (!(confidence > 0 && confidence < 1)) throw new InvalidSpecError('confidence', `must be in (0, 1), got ${confidence}`);
  const z = normalQuantile(0.5 + confidence / 2);
  const n = trials;
  const p = successes / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const den = 1 + z2 / n;
  return {
    successes, trials, rate: p,
    lower: Math.max(0, (centre - half) / den),
    upper: Math.min(1, (centre + half) / den),
    confidence,
  };
}

/**
 * Standard normal quantile by Acklam's rational approximation (relative error below 1.2e-9).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new InvalidSpecError('p', `must be in (0, 1), got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  let x: number;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - pl) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  return x;
}
