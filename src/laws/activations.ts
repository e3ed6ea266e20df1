/**
 * Activations phi with phi', phi'' (docs/design.md section 2; theory/02-finite-networks.md section 2.1).
 * `range` is the closure of phi's image where that is bounded; it is the box the fixed-point finder
 * draws its starts from (every fixed point x* = f(x*) lies in range^N because x* is an output of phi).
 * For relu and linear the image is unbounded and `range` is a documented box: relu [0, 1], linear [-1, 1].
 */
import { requireOneOf } from '../errors.ts';
import { erf } from '../numerics/special.ts';
import { ACTIVATIONS, type ActivationName } from '../spec/networkSpec.ts';

export interface Activation {
  name: ActivationName;
  phi(x: number): number;
  dphi(x: number): number;
  d2phi(x: number): number;
  /** Closure of phi's image (bounded activations) or a documented start box (relu, linear). */
  range: [number, number];
  /** True when `range` is the whole closure of phi's image (false for relu, linear). */
  rangeIsImage: boolean;
}

const SQRT_PI_OVER_2 = Math.sqrt(Math.PI) / 2;
const PI_OVER_4 = Math.PI / 4;
const TWO_OVER_SQRT_PI = 1.1283791670955126;

function sigmoid(x: number): number {
  // Symmetric form avoids overflow of exp for large |x|.
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function sigmoidDerivative(x: number): number {
  const e = Math.exp(-Math.abs(x));
  return e / ((1 + e) * (1 + e));
}

function tanhDerivative(x: number): number {
  const e = Math.exp(-2 * Math.abs(x));
  return (4 * e) / ((1 + e) * (1 + e));
}

const TABLE: Record<ActivationName, Activation> = {
  sigmoid: {
    name: 'sigmoid',
    phi: sigmoid,
    // theory/02-finite-networks.md (2.2): s' = s(1-s), s'' = s(1-s)(1-2s), in the forms
    // s' = e^{-|x|}/(1+e^{-|x|})^2 and 1-2s = -tanh(x/2), which keep full relative accuracy in the
    // tails (s(1-s) is 0 in doubles beyond |x| ~ 37, where s' is still ~1e-16).
    dphi: sigmoidDerivative,
    d2phi: (x) => -sigmoidDerivative(x) * Math.tanh(0.5 * x),
    range: [0, 1],
    rangeIsImage: true,
  },
  tanh: {
    name: 'tanh',
    phi: Math.tanh,
    // theory/02-finite-networks.md (2.3): tanh' = sech^2 = 4 e^{-2|x|}/(1+e^{-2|x|})^2 (accurate in the
    // tails, where 1 - tanh^2 cancels to 0), tanh'' = -2 tanh sech^2.
    dphi: tanhDerivative,
    d2phi: (x) => -2 * Math.tanh(x) * tanhDerivative(x),
    range: [-1, 1],
    rangeIsImage: true,
  },
  erf: {
    // The project's erf activation is phi(x) = erf(sqrt(pi) x / 2): slope 1 at 0, the convention of
    // Pennington-Schoenholz-Ganguli (arXiv 1711.04735) used by the light-tailed theory (theory/04 (4.5)).
    name: 'erf',
    phi: (x) => erf(SQRT_PI_OVER_2 * x),
    // theory/02-finite-networks.md (2.4)
    dphi: (x) => Math.exp(-PI_OVER_4 * x * x),
    d2phi: (x) => -2 * PI_OVER_4 * x * Math.exp(-PI_OVER_4 * x * x),
    range: [-1, 1],
    rangeIsImage: true,
  },
  hardtanh: {
    name: 'hardtanh',
    phi: (x) => (x < -1 ? -1 : x > 1 ? 1 : x),
    // Derivative 1 on (-1, 1), 0 outside; at the kinks +-1 we use the one-sided value 0 (a convention, measure zero).
    dphi: (x) => (x > -1 && x < 1 ? 1 : 0),
    d2phi: () => 0,
    range: [-1, 1],
    rangeIsImage: true,
  },
  relu: {
    name: 'relu',
    phi: (x) => (x > 0 ? x : 0),
    // Derivative at 0 taken as 0 (convention, measure zero).
    dphi: (x) => (x > 0 ? 1 : 0),
    d2phi: () => 0,
    range: [0, 1],
    rangeIsImage: false,
  },
  linear: {
    name: 'linear',
    phi: (x) => x,
    dphi: () => 1,
    d2phi: () => 0,
    range: [-1, 1],
    rangeIsImage: false,
  },
};

export function getActivation(name: ActivationName): Activation {
  requireOneOf('activation', name, ACTIVATIONS);
  return TABLE[name];
}
