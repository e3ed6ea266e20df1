/**
 * Network specification (docs/design.md section 2). Plain data: everything needed to re-sample the same
 * network bit for bit.
 */
import { InvalidSpecError, requireFinite, requireInRange, requireInteger, requireOneOf, requirePositive } from '../errors.ts';

export const ACTIVATIONS = ['sigmoid', 'tanh', 'erf', 'hardtanh', 'relu', 'linear'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export const WEIGHT_LAWS = ['gaussian', 'cauchy', 'stable', 'student', 'pareto'] as const;
export type WeightLawName = (typeof WEIGHT_LAWS)[number];

export const BIAS_LAWS = ['gaussian', 'cauchy', 'stable', 'none'] as const;
export type BiasLawName = (typeof BIAS_LAWS)[number];

export const SCALINGS = ['natural', 'raw'] as const;
export type Scaling = (typeof SCALINGS)[number];

/** An i.i.d. law for weights or biases. `alpha`: stable/pareto tail index, student degrees of freedom. */
export interface LawSpec {
  name: WeightLawName;
  /** Tail index (stable: (0, 2]; pareto: > 0) or degrees of freedom (student: > 0). */
  alpha?: number;
  /** Multiplier (sigma_w or sigma_b). */
  scale: number;
}

export interface NetworkSpec {
  /** Width (input = output = hidden width). */
  N: number;
  /** Depth (number of layers). */
  L: number;
  activation: ActivationName;
  weights: LawSpec;
  /** null = no biases. */
  bias: LawSpec | null;
  /**
   * natural: weights multiplied by sigma_w / sqrt(N) (finite variance) or sigma_w / a_N (alpha < 2);
   * raw: weights multiplied by sigma_w only. Biases are never width-scaled.
   */
  scaling: Scaling;
  seed: number;
}

/** Validate a law; `field` names it in errors ("weights" or "bias"). */
export function validateLaw(field: string, law: LawSpec): LawSpec {
  requireOneOf(`${field}.name`, law.name, WEIGHT_LAWS);
  requirePositive(`${field}.scale`, law.scale);
  if (law.name === 'stable') {
    if (law.alpha === undefined) throw new InvalidSpecError(`${field}.alpha`, 'stable law needs alpha in (0, 2]');
    requireInRange(`${field}.alpha`, law.alpha, 0, 2, true, false);
  } else if (law.name === 'pareto' || law.name === 'student') {
    if (law.alpha === undefined) throw new InvalidSpecError(`${field}.alpha`, `${law.name} law needs alpha > 0`);
    requirePositive(`${field}.alpha`, law.alpha);
  } else if (law.alpha !== undefined) {
    requireFinite(`${field}.alpha`, law.alpha);
  }
  return law;
}

export function validateSpec(spec: NetworkSpec): NetworkSpec {
  requireInteger('width', spec.N, 1, 100_000);
  requireInteger('depth', spec.L, 1, 100_000);
  requireOneOf('activation', spec.activation, ACTIVATIONS);
  validateLaw('weights', spec.weights);
  if (spec.bias !== null) validateLaw('bias', spec.bias);
  requireOneOf('scaling', spec.scaling, SCALINGS);
  requireInteger('seed', spec.seed, 0, Number.MAX_SAFE_INTEGER);
  return spec;
}

/** A one-line human description, printed with every result (the scaling is part of the spec). */
export function describeSpec(spec: NetworkSpec): string {
  const law = (l: LawSpec | null) =>
    l === null ? 'none' : `${l.name}${l.alpha !== undefined ? `(alpha=${l.alpha})` : ''} x ${l.scale}`;
  return `N=${spec.N} L=${spec.L} phi=${spec.activation} W~${law(spec.weights)} (${spec.scaling} scaling) b~${law(spec.bias)} seed=${spec.seed}`;
}
