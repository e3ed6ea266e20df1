/**
 * Seeded randomness with deterministic sub-streams (docs/design.md section 4).
 *
 * The generator is pure-rand's xoroshiro128+ (32-bit lanes, so bit-identical on every platform).
 * A stream is addressed by a root seed plus a path of non-negative integers, e.g.
 * `stream(seed, NETWORK, k, LAYER, l)`: the path is hashed into the 128-bit state with a
 * SplitMix-style avalanche, so streams do not depend on the order in which work is done or on the
 * number of workers.
 */
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';

export interface Rng {
  /** Uniform on [0, 1), 53 random bits. */
  uniform(): number;
  /** Uniform on (0, 1): never returns 0 (for logs and inverse CDFs). */
  uniformOpen(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** Uniform 32-bit unsigned integer. */
  uint32(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

/** Stream tags: named path components so different uses never collide. */
export const STREAM = {
  NETWORK: 1,
  LAYER: 2,
  WEIGHTS: 3,
  BIASES: 4,
  START: 5,
  PROBE: 6,
  SAMPLE: 7,
  // Tags 8-10 were chosen by the counting and the training stages independently, and the numbers
  // in docs/counting.md, docs/training.md and docs/associative-memory.md were measured with them, so
  // both keep them: their streams never meet in one computation (a Kac-Rice estimate never trains,
  // a training run never counts by Kac-Rice). A new tag takes a value not used here.
  /** Kac-Rice estimator of the number of fixed points (src/counting/kacRice.ts). */
  KAC_RICE: 8,
  /** Starts of the Newton search for all fixed points (src/fixedpoints/newtonAll.ts). */
  NEWTON_START: 9,
  /** Training: stream(seed, TRAIN, MINIBATCH, epoch) is the minibatch permutation of an epoch. */
  TRAIN: 8,
  MINIBATCH: 9,
  /** Data sets: stream(seed, DATA, 0) draws the random {lo, hi}^N patterns. */
  DATA: 10,
  /** Pre-activations h ~ N(0, q_l) sampled directly (mean-field Monte Carlo checks). */
  PREACTIVATION: 14,
  /** Random unit directions of the basin-radius bisection (src/fixedpoints/basins.ts). */
  DIRECTION: 20,
  /** Damage applied to stored patterns and images (src/memory/damage.ts). */
  DAMAGE: 21,
  /** Initial weights of the shallow landscape networks: stream(seed, LANDSCAPE_INIT, 0 | 1) (src/landscape/model.ts). */
  LANDSCAPE_INIT: 40,
  /** Perturbation test and embedded-neuron placement of the landscape classifier (src/landscape/classify.ts). */
  LANDSCAPE_PERTURB: 41,
  /** Allocation expressivity (src/expressivity/): the teacher's weights of draw d. */
  ALLOCATION_TEACHER: 47,
  /** The student's weights (fixed and initial learnable) of draw d; with (START, s) the s-th solver start. */
  ALLOCATION_STUDENT: 48,
  /** The m inputs of draw d. */
  ALLOCATION_INPUT: 49,
  /**
   * The random input of network k at which its Jacobian spectrum is sampled, stream(seed,
   * RANDOM_POINT, k) (src/compare/sampler.ts, src/jacobian/freeSurrogate.ts): a large tag chosen
   * before the table had names; the measured numbers in docs/heavy-tailed-accuracy.md depend on it.
   */
  RANDOM_POINT: 0x5bec,
  /** Random inputs of the order-preserving census: stream(seed, MODE_SAMPLE, k) is sample k (src/orderpreserving/modes.ts). */
  MODE_SAMPLE: 44,
  /** Weight-space basin directions: stream(seed, WEIGHT_DIRECTION, tag, j) (src/orderpreserving/basinRadius.ts). */
  WEIGHT_DIRECTION: 45,
  /** Sample-space directions around a classified sample: stream(seed, LABEL_DIRECTION, tag, j) (src/orderpreserving/basinRadius.ts). */
  LABEL_DIRECTION: 46,
  /** Last biases of the multistart reference for one network in the staircase check (test/counting/kacRice.staircase.slow.test.ts). */
  STAIRCASE_CHECK: 57,
} as const;

function imul32Mix(h: number): number {
  // murmur3 fmix32
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Hash a seed and path into four 32-bit words (not all zero). */
export function streamState(seed: number, path: readonly number[]): [number, number, number, number] {
  if (!Number.isInteger(seed) || seed < 0 || seed > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(`seed must be a non-negative safe integer, got ${seed}`);
  }
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  const words = [lo, hi, path.length, ...path.map((p) => {
    if (!Number.isInteger(p) || p < 0 || p > 0xffffffff) throw new RangeError(`stream path entries must be uint32, got ${p}`);
    return p >>> 0;
  })];
  const out: [number, number, number, number] = [0, 0, 0, 0];
  for (let lane = 0; lane < 4; lane++) {
    let h = Math.imul(0x9e3779b9, lane + 1) | 0;
    for (const w of words) {
      h = imul32Mix((h ^ w) + 0x7f4a7c15);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
    out[lane] = imul32Mix(h ^ (words.length * 0x27d4eb2d));
  }
  if ((out[0] | out[1] | out[2] | out[3]) === 0) out[0] = 1;
  return out;
}

const SCALE26 = 1 / 67108864; // 2^-26
const SCALE53 = 1 / 9007199254740992; // 2^-53

/** A generator for the stream (seed, ...path). */
export function stream(seed: number, ...path: number[]): Rng {
  const g = xoroshiro128plusFromState(streamState(seed, path));
  let spare = NaN;
  const rng: Rng = {
    uint32: () => g.next() >>> 0,
    uniform: () => (g.next() & 0x3ffffff) * SCALE26 + (g.next() & 0x7ffffff) * SCALE53,
    uniformOpen: () => {
      let u = 0;
      while (u === 0) u = rng.uniform();
      return u;
    },
    int: (n: number) => Math.floor(rng.uniform() * n),
    normal: () => {
      // Marsaglia polar method; caches the second variate.
      if (!Number.isNaN(spare)) {
        const s = spare;
        spare = NaN;
        return s;
      }
      let u: number, v: number, s: number;
      do {
        u = 2 * rng.uniform() - 1;
        v = 2 * rng.uniform() - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const f = Math.sqrt((-2 * Math.log(s)) / s);
      spare = v * f;
      return u * f;
    },
  };
  return rng;
}
