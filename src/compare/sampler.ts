/**
 * The one Monte Carlo sampler of Jacobian spectra: the squared singular values of the input-output
 * Jacobian J (theory/02-finite-networks.md (2.14)) of sampled finite networks, taken from the same
 * NetworkSpec the theory solves, at one of three kinds of points:
 *
 * - `random`: one input uniform in the activation's range box, from stream(seed, RANDOM_POINT, k);
 * - `sign-vector`: x_0 with i.i.d. entries +-sqrt(radius), from stream(seed, NETWORK, k, PROBE, 0)
 *   (the light-tailed check of theory/04-light-tailed.md (4.17): |x_0|^2 / N = radius fixes the
 *   second moment of the first layer's pre-activations);
 * - `stable-fixed-points`: every stable fixed point the multistart search finds
 *   (src/fixedpoints/search.ts), the spectrum of J at each one.
 *
 * Network k is sampleNetwork(spec, k), so a sample depends only on (spec, k, the kind of point).
 */
import { InvalidSpecError, requireInteger } from '../errors.ts';
import { findFixedPoints } from '../fixedpoints/search.ts';
import { lightMonteCarloSetup, type LightJacobianSpec } from '../jacobian/light.ts';
import { jacobian, randomInput, sampleNetwork } from '../network/network.ts';
import type { NetworkSpec } from '../spec/networkSpec.ts';
import { STREAM, stream } from '../random/rng.ts';
import { squaredSingularValues } from '../spectra/empirical.ts';

export type JacobianPoints =
  | { kind: 'random' }
  | { kind: 'sign-vector'; radius: number }
  | { kind: 'stable-fixed-points'; starts: number; maxIterations: number; maxPeriod: number };

export interface JacobianSpectrumSample {
  network: number;
  /** Squared singular values of J at each point, ascending per point. */
  squaredSingularValues: Float64Array[];
  /** Spectral radius of Df at each point (stable-fixed-points only; empty otherwise). */
  spectralRadii: number[];
  /** Number of distinct stable fixed points (stable-fixed-points only; null otherwise). */
  Q: number | null;
}

/** The Jacobian spectra of network `k` of `spec` at the points `at`. */
export function sampleJacobianSpectrum(spec: NetworkSpec, k: number, at: JacobianPoints): JacobianSpectrumSample {
  const net = sampleNetwork(spec, k);
  if (at.kind === 'random') {
    const x = randomInput(net, stream(spec.seed, STREAM.RANDOM_POINT, k));
    return { network: k, squaredSingularValues: [squaredSingularValues(jacobian(net, x))], spectralRadii: [], Q: null };
  }
  if (at.kind === 'sign-vector') {
    if (!(at.radius >= 0)) throw new InvalidSpecError('radius', `must be >= 0, got ${at.radius}`);
    const rng = stream(spec.seed, STREAM.NETWORK, k, STREAM.PROBE, 0);
    const x = new Float64Array(spec.N);
    for (let i = 0; i < spec.N; i++) x[i] = (rng.uniform() < 0.5 ? -1 : 1) * Math.sqrt(at.radius);
    return { network: k, squaredSingularValues: [squaredSingularValues(jacobian(net, x))], spectralRadii: [], Q: null };
  }
  const res = findFixedPoints(net, { starts: at.starts, maxIterations: at.maxIterations, maxPeriod: at.maxPeriod });
  const out: Float64Array[] = [];
  const radii: number[] = [];
  for (const fp of res.fixedPoints) {
    if (!fp.stable) continue;
    out.push(squaredSingularValues(jacobian(net, fp.x)));
    radii.push(fp.spectralRadius);
  }
  return { network: k, squaredSingularValues: out, spectralRadii: radii, Q: res.Q };
}

/**
 * The pooled squared singular values of networks 0..networks-1 at `at`, ascending. A network whose
 * sample fails numerically (an SVD that does not converge, a non-finite Jacobian) is skipped and
 * counted in `failedNetworks`, never silently replaced.
 */
export function pooledJacobianSpectrum(spec: NetworkSpec, networks: number, at: JacobianPoints): { values: Float64Array; failedNetworks: number } {
  requireInteger('networks', networks, 1, 10_000_000);
  const parts: Float64Array[] = [];
  let failed = 0;
  for (let k = 0; k < networks; k++) {
    try {
      parts.push(...sampleJacobianSpectrum(spec, k, at).squaredSingularValues);
    } catch (e) {
      if (e instanceof InvalidSpecError && e.field !== 'J') throw e;
      failed++;
    }
  }
  const values = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { values.set(p, o); o += p.length; }
  return { values: values.sort(), failedNetworks: failed };
}

/**
 * Monte Carlo check of (4.14) (theory/04-light-tailed.md): squared singular values of J for
 * `networks` width-N networks of the light-tailed spec at the sign-vector input of (4.17)
 * (lightMonteCarloSetup, src/jacobian/light.ts), concatenated per network (N values each, ascending
 * within a network).
 */
export function sampleJacobianSquaredSingularValues(spec: LightJacobianSpec, N: number, networks: number, seed = 1): Float64Array {
  const { network, radius } = lightMonteCarloSetup(spec, N, seed);
  requireInteger('networks', networks, 1, 100_000);
  const out = new Float64Array(N * networks);
  // linalg() already retries a failed fast-backend SVD with the ml-matrix reference.
  for (let k = 0; k < networks; k++) out.set(sampleJacobianSpectrum(network, k, { kind: 'sign-vector', radius }).squaredSingularValues[0]!, k * N);
  return out;
}
