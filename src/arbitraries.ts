/**
 * fast-check arbitraries for users' own property tests against jacobian-esd (docs/design.md section 1,
 * job 3: "run property-based regression tests"). Every value they generate passes `validateSpec` /
 * `validateLaw`, so a property can go straight to `sampleNetwork`, the fixed-point search or the
 * spectral solvers.
 *
 *   import fc from 'fast-check';
 *   import { arbitraries } from 'jacobian-esd';
 *   fc.assert(fc.property(arbitraries.smallLightTailedSpec(), (spec) => ...));
 *
 * Light-tailed means finite fourth moment (the regime where Pastur-Slavin, arXiv 2011.11439, justify
 * the free-probability prediction): Gaussian, Student-t with nu > 4, Pareto with alpha > 4.
 * Heavy-tailed means infinite variance (tail index < 2): Cauchy, symmetric stable alpha < 2,
 * Student-t and Pareto with tail index < 2.
 */
import fc from 'fast-check';
import {
  ACTIVATIONS, SCALINGS,
  type ActivationName, type LawSpec, type NetworkSpec, type Scaling, type WeightLawName,
} from './spec/networkSpec.ts';
import { layerShapes, type Allocation, type ArchSpec } from './expressivity/allocation.ts';

/** Any activation the project knows. */
export function activation(): fc.Arbitrary<ActivationName> {
  return fc.constantFrom(...ACTIVATIONS);
}

/** Smooth bounded activations (phi'' exists everywhere): sigmoid, tanh, erf. */
export function smoothActivation(): fc.Arbitrary<ActivationName> {
  return fc.constantFrom<ActivationName>('sigmoid', 'tanh', 'erf');
}

/** A positive scale in [min, max] (no NaN, no infinities). */
export function scale(min = 0.25, max = 4): fc.Arbitrary<number> {
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

/** A root seed (non-negative safe integer; kept below 2^31 so it prints compactly). */
export function seed(): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: 0x7fffffff });
}

function tail(min: number, max: number): fc.Arbitrary<number> {
  // Round to 3 decimals: readable counterexamples, and the values stay inside [min, max].
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((a) => Math.min(max, Math.max(min, Math.round(a * 1000) / 1000)));
}

/** Light-tailed weight law (finite fourth moment): gaussian, student(nu in [4.5, 30]), pareto(alpha in [4.5, 30]). */
export function lightTailedLaw(opts: { scale?: fc.Arbitrary<number> } = {}): fc.Arbitrary<LawSpec> {
  const s = opts.scale ?? scale();
  return fc.oneof(
    s.map((v): LawSpec => ({ name: 'gaussian', scale: v })),
    fc.tuple(s, tail(4.5, 30)).map(([v, a]): LawSpec => ({ name: 'student', alpha: a, scale: v })),
    fc.tuple(s, tail(4.5, 30)).map(([v, a]): LawSpec => ({ name: 'pareto', alpha: a, scale: v })),
  );
}

/**
 * Heavy-tailed weight law (infinite variance): cauchy, stable(alpha in [minAlpha, 1.9]),
 * student(nu in [minAlpha, 1.9]), pareto(alpha in [minAlpha, 1.9]). minAlpha defaults to 0.5.
 */
export function heavyTailedLaw(opts: { scale?: fc.Arbitrary<number>; minAlpha?: number } = {}): fc.Arbitrary<LawSpec> {
  const s = opts.scale ?? scale();
  const lo = opts.minAlpha ?? 0.5;
  return fc.oneof(
    s.map((v): LawSpec => ({ name: 'cauchy', scale: v })),
    fc.tuple(s, tail(lo, 1.9)).map(([v, a]): LawSpec => ({ name: 'stable', alpha: a, scale: v })),
    fc.tuple(s, tail(lo, 1.9)).map(([v, a]): LawSpec => ({ name: 'student', alpha: a, scale: v })),
    fc.tuple(s, tail(lo, 1.9)).map(([v, a]): LawSpec => ({ name: 'pareto', alpha: a, scale: v })),
  );
}

/** Any valid weight law (light or heavy tails). */
export function weightLaw(opts: { scale?: fc.Arbitrary<number> } = {}): fc.Arbitrary<LawSpec> {
  return fc.oneof(lightTailedLaw(opts), heavyTailedLaw(opts));
}

/** A weight law by name with a valid tail index for that name. */
export function lawNamed(name: WeightLawName, opts: { scale?: fc.Arbitrary<number> } = {}): fc.Arbitrary<LawSpec> {
  const s = opts.scale ?? scale();
  switch (name) {
    case 'gaussian':
    case 'cauchy': return s.map((v): LawSpec => ({ name, scale: v }));
    case 'stable': return fc.tuple(s, tail(0.5, 2)).map(([v, a]): LawSpec => ({ name, alpha: a, scale: v }));
    case 'student':
    case 'pareto': return fc.tuple(s, tail(0.5, 30)).map(([v, a]): LawSpec => ({ name, alpha: a, scale: v }));
  }
}

/** A bias law or null (no biases). Stable biases get alpha in [1, 2]. */
export function biasLaw(opts: { scale?: fc.Arbitrary<number>; allowNone?: boolean } = {}): fc.Arbitrary<LawSpec | null> {
  const s = opts.scale ?? scale(0.1, 2);
  const laws: fc.Arbitrary<LawSpec | null>[] = [
    s.map((v): LawSpec => ({ name: 'gaussian', scale: v })),
    s.map((v): LawSpec => ({ name: 'cauchy', scale: v })),
    fc.tuple(s, tail(1, 2)).map(([v, a]): LawSpec => ({ name: 'stable', alpha: a, scale: v })),
  ];
  if (opts.allowNone !== false) laws.push(fc.constant(null));
  return fc.oneof(...laws);
}

export interface NetworkSpecOptions {
  minWidth?: number;
  maxWidth?: number;
  minDepth?: number;
  maxDepth?: number;
  weights?: fc.Arbitrary<LawSpec>;
  bias?: fc.Arbitrary<LawSpec | null>;
  activation?: fc.Arbitrary<ActivationName>;
  scaling?: fc.Arbitrary<Scaling>;
  seed?: fc.Arbitrary<number>;
}

/** A network spec; every field can be constrained. Defaults: N in [1, 16], L in [1, 8], any law. */
export function networkSpec(opts: NetworkSpecOptions = {}): fc.Arbitrary<NetworkSpec> {
  return fc.record({
    N: fc.integer({ min: opts.minWidth ?? 1, max: opts.maxWidth ?? 16 }),
    L: fc.integer({ min: opts.minDepth ?? 1, max: opts.maxDepth ?? 8 }),
    activation: opts.activation ?? activation(),
    weights: opts.weights ?? weightLaw(),
    bias: opts.bias ?? biasLaw(),
    scaling: opts.scaling ?? fc.constantFrom(...SCALINGS),
    seed: opts.seed ?? seed(),
  });
}

/**
 * A small light-tailed spec for fast properties: N in [2, 8], L in [1, 4], smooth activation,
 * light-tailed weights with sigma_w in [0.25, 2], Gaussian biases, natural scaling.
 */
export function smallLightTailedSpec(opts: NetworkSpecOptions = {}): fc.Arbitrary<NetworkSpec> {
  return networkSpec({
    minWidth: 2, maxWidth: 8, minDepth: 1, maxDepth: 4,
    activation: smoothActivation(),
    weights: lightTailedLaw({ scale: scale(0.25, 2) }),
    bias: scale(0.1, 1).map((v): LawSpec => ({ name: 'gaussian', scale: v })),
    scaling: fc.constant<Scaling>('natural'),
    ...opts,
  });
}

/**
 * A small heavy-tailed spec: N in [2, 8], L in [1, 4], sigmoid (as in the fixed-point study),
 * heavy-tailed weights, Gaussian biases, natural scaling.
 */
export function smallHeavyTailedSpec(opts: NetworkSpecOptions = {}): fc.Arbitrary<NetworkSpec> {
  return networkSpec({
    minWidth: 2, maxWidth: 8, minDepth: 1, maxDepth: 4,
    activation: fc.constant<ActivationName>('sigmoid'),
    weights: heavyTailedLaw(),
    bias: scale(0.1, 1).map((v): LawSpec => ({ name: 'gaussian', scale: v })),
    scaling: fc.constant<Scaling>('natural'),
    ...opts,
  });
}

/** A point of the input cube [lo, hi]^N as a Float64Array (the fixed-point search's starting region). */
export function pointInCube(N: number, lo = -1, hi = 1): fc.Arbitrary<Float64Array> {
  return fc.array(fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true }), { minLength: N, maxLength: N }).map((a) => Float64Array.from(a));
}

/**
 * An architecture of the allocation study (src/expressivity/): linear or relu with 2-4 widths in
 * [1, maxWidth], or lrnn with widths [d_in, n, d_out] in [1, maxWidth] and steps in [1, 3].
 */
export function archSpec(opts: { maxWidth?: number } = {}): fc.Arbitrary<ArchSpec> {
  const w = fc.integer({ min: 1, max: opts.maxWidth ?? 4 });
  return fc.oneof(
    fc.record({ arch: fc.constantFrom<'linear' | 'relu'>('linear', 'relu'), widths: fc.array(w, { minLength: 2, maxLength: 4 }), steps: fc.constant(1) }),
    fc.record({ arch: fc.constant<'lrnn'>('lrnn'), widths: fc.array(w, { minLength: 3, maxLength: 3 }), steps: fc.integer({ min: 1, max: 3 }) }),
  );
}

/** A non-empty allocation (random 0/1 masks) that fits `spec`. */
export function allocation(spec: ArchSpec): fc.Arbitrary<Allocation> {
  const shapes = layerShapes(spec);
  return fc.tuple(...shapes.map((s) => fc.uint8Array({ min: 0, max: 1, minLength: s.rows * s.cols, maxLength: s.rows * s.cols })))
    .filter((masks) => masks.some((m) => m.includes(1)))
    .map((masks) => ({ label: 'random mask', masks }));
}

/** An architecture together with an allocation that fits it. */
export function archWithAllocation(opts: { maxWidth?: number } = {}): fc.Arbitrary<{ spec: ArchSpec; allocation: Allocation }> {
  return archSpec(opts).chain((spec) => allocation(spec).map((a) => ({ spec, allocation: a })));
}
