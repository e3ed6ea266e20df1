/**
 * Minimal complex arithmetic on plain {re, im} objects (no classes: values, not state); the one
 * complex module of src/ (levyCore.ts, levy.ts, closedFormLaws.ts, multiplicative.ts use it).
 * Hand-written rather than mathjs (the project's library for complex arithmetic) because mathjs is
 * the bottleneck in the inner loops here: bench/complex.bench.ts (Stieltjes transform of 64 atoms at
 * 10^5 points, 6.4M complex divisions) measured mathjs Complex methods 22-23x and mathjs typed
 * functions 34-40x slower than these helpers over two runs (84-92 ms vs 1.9-2.0 s vs 3.2-3.3 s,
 * Node 20, 2026-11-23).
 */
export interface Complex {
  re: number;
  im: number;
}

export const complex = (re: number, im = 0): Complex => ({ re, im });
export const add = (a: Complex, b: Complex): Complex => ({ re: a.re + b.re, im: a.im + b.im });
export const sub = (a: Complex, b: Complex): Complex => ({ re: a.re - b.re, im: a.im - b.im });
export const mul = (a: Complex, b: Complex): Complex => ({ re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re });
export const scale = (a: Complex, s: number): Complex => ({ re: a.re * s, im: a.im * s });
export const abs = (a: Complex): number => Math.hypot(a.re, a.im);
/** Principal argument in (-pi, pi]. */
export const arg = (a: Complex): number => Math.atan2(a.im, a.re);
/** e^{i t}. */
export const cis = (t: number): Complex => ({ re: Math.cos(t), im: Math.sin(t) });

/** a / b (Smith's algorithm, avoids overflow). */
export function div(a: Complex, b: Complex): Complex {
  if (Math.abs(b.re) >= Math.abs(b.im)) {
    const r = b.im / b.re;
    const d = b.re + b.im * r;
    return { re: (a.re + a.im * r) / d, im: (a.im - a.re * r) / d };
  }
  const r = b.re / b.im;
  const d = b.re * r + b.im;
  return { re: (a.re * r + a.im) / d, im: (a.im * r - a.re) / d };
}

export const inv = (a: Complex): Complex => div({ re: 1, im: 0 }, a);

/** Principal logarithm. */
export const log = (a: Complex): Complex => ({ re: Math.log(abs(a)), im: Math.atan2(a.im, a.re) });

/** Principal power a^p (a != 0). */
export function pow(a: Complex, p: number): Complex {
  const r = Math.pow(abs(a), p);
  const t = arg(a) * p;
  return { re: r * Math.cos(t), im: r * Math.sin(t) };
}

/** Principal square root (branch cut on the negative real axis). */
export function sqrt(a: Complex): Complex {
  const r = abs(a);
  if (r === 0) return { re: 0, im: 0 };
  const re = Math.sqrt((r + Math.abs(a.re)) / 2);
  if (a.re >= 0) return { re, im: a.im / (2 * re) };
  return { re: Math.abs(a.im) / (2 * re), im: a.im >= 0 ? re : -re };
}

/** Wrap an angle into (-pi, pi]. */
export function wrapAngle(t: number): number {
  const twoPi = 2 * Math.PI;
  let r = t - twoPi * Math.round(t / twoPi);
  if (r <= -Math.PI) r += twoPi;
  return r;
}
