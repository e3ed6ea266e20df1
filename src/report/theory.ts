/**
 * The theory side of the reproduction: predicted ESD of J J^T (light tails: the free-probability
 * equation of src/jacobian/, theory/04-light-tailed.md; heavy tails: the population solver,
 * theory/05-heavy-tailed.md) and the Q(N0, L) curve predicted from the ESD (src/predict/).
 *
 * The predictors are loaded on demand: when one is missing or fails, the reproduction reports the
 * corresponding claim as "not run" with the reason, and never substitutes a made-up curve.
 */
import { InvalidSpecError } from '../errors.ts';
import type { LawReport } from '../freeprob/lawReport.ts';
import type { NetworkSpec } from '../network/spec.ts';

export type Availability<T> = { ok: true; value: T } | { ok: false; reason: string };

async function tryImport(path: string): Promise<Record<string, unknown> | null> {
  try {
    return (await import(path)) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Predicted law of the eigenvalues of J J^T for a spec, evaluated on `grid`. */
export async function predictedEsd(spec: NetworkSpec, grid: number[]): Promise<Availability<LawReport>> {
  const mod = await tryImport(new URL('../jacobian/index.ts', import.meta.url).href);
  const solve = mod?.solveJacobianSpectrum as ((s: NetworkSpec, at: number[]) => LawReport | Promise<LawReport>) | undefined;
  if (typeof solve !== 'function') return { ok: false, reason: 'src/jacobian/index.ts solveJacobianSpectrum is not available' };
  try {
    const rep = await solve(spec, grid);
    return { ok: true, value: rep };
  } catch (e) {
    return { ok: false, reason: `the spectral solver failed: ${(e as Error).message}` };
  }
}

/**
 * Distribution function of a LawReport on its grid: atoms at or below x plus the trapezoid integral
 * of the density from the first grid point (the density is assumed to carry no mass below it; the
 * captured total mass is returned so a caller can see when that is not so).
 */
export function lawCdf(rep: LawReport): { x: number[]; F: number[]; totalMass: number } {
  const n = rep.x.length;
  if (n < 2 || rep.density.length !== n) throw new InvalidSpecError('law', `needs >= 2 grid points with a density each, got ${n}`);
  const F: number[] = new Array<number>(n).fill(0);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0) acc += 0.5 * (rep.density[i]! + rep.density[i - 1]!) * (rep.x[i]! - rep.x[i - 1]!);
    let atoms = 0;
    for (const a of rep.atoms) if (a.at <= rep.x[i]!) atoms += a.mass;
    F[i] = acc + atoms;
  }
  let allAtoms = 0;
  for (const a of rep.atoms) allAtoms += a.mass;
  return { x: [...rep.x], F, totalMass: acc + allAtoms };
}

/** Kolmogorov distance between a sample and a distribution function known on a grid (at the grid points). */
export function kolmogorovOnGrid(sortedSample: readonly number[], x: readonly number[], F: readonly number[]): number {
  let d = 0;
  let k = 0;
  const n = sortedSample.length;
  for (let i = 0; i < x.length; i++) {
    while (k < n && sortedSample[k]! <= x[i]!) k++;
    d = Math.max(d, Math.abs(k / n - F[i]!));
  }
  return d;
}

/** Quantile of a grid distribution function by linear interpolation (null when p is outside the captured mass). */
export function gridQuantile(x: readonly number[], F: readonly number[], p: number): number | null {
  for (let i = 1; i < x.length; i++) {
    if (F[i]! >= p) {
      const f0 = F[i - 1]!, f1 = F[i]!;
      if (f0 >= p) return x[i - 1]!;
      return x[i - 1]! + ((p - f0) / (f1 - f0)) * (x[i]! - x[i - 1]!);
    }
  }
  return null;
}

export interface PredictedQCurve {
  width: number;
  depths: number[];
  predictedQ: number[];
  /** What the predictor says about itself (method, assumptions), printed in the report. */
  method: string;
}

/** Q(N0, L) predicted from the ESD of the Jacobian (src/predict/), for one width over depths. */
export async function predictedQCurve(base: Omit<NetworkSpec, 'N' | 'L'>, width: number, depths: number[]): Promise<Availability<PredictedQCurve>> {
  const mod = await tryImport(new URL('../predict/index.ts', import.meta.url).href);
  const predict = mod?.predictQCurve as
    | ((spec: Omit<NetworkSpec, 'L'>, depths: number[]) => Promise<{ depths: number[]; predictedQ: number[]; method?: string }> | { depths: number[]; predictedQ: number[]; method?: string })
    | undefined;
  if (typeof predict !== 'function') return { ok: false, reason: 'src/predict/index.ts predictQCurve is not available' };
  try {
    const r = await predict({ ...base, N: width }, depths);
    if (r.predictedQ.length !== depths.length || !r.predictedQ.every(Number.isFinite)) {
      return { ok: false, reason: 'the Q predictor returned a curve with missing or non-finite values' };
    }
    return { ok: true, value: { width, depths: [...r.depths], predictedQ: [...r.predictedQ], method: r.method ?? 'src/predict predictQCurve' } };
  } catch (e) {
    return { ok: false, reason: `the Q predictor failed: ${(e as Error).message}` };
  }
}
