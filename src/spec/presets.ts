/**
 * Network configurations as typed specs. `study`: the configuration of the fixed-point study
 * (arXiv 2501.04182) for a law of weights; its values and their provenance are in
 * docs/study-configuration.md. The CLI's `--preset study` (src/cli/presets.ts) and the reproduction
 * (src/report/reproduce.ts) both take it from here, so they always agree.
 */
import { validateSpec, type NetworkSpec } from './networkSpec.ts';

export const STUDY_DESCRIPTION =
  'fixed-point study (arXiv 2501.04182): sigmoid, width N0 = 10, unscaled (raw) weights sigma_w = 1 of the chosen law ' +
  '(default cauchy), Gaussian biases sigma_b = 1. Recovered from the study abstracts (v1, v2) only; width and scale are ' +
  'the closest configuration found, not the study\'s verified numbers (docs/study-configuration.md)';

/** The study's width N0. */
export const STUDY_WIDTH = 10;

/**
 * The study's network configuration (without width and depth) with weights of law `weights`
 * (Cauchy unless given) and root seed `seed`.
 */
export function studySpec(weights: 'gaussian' | 'cauchy' = 'cauchy', seed = 1): Omit<NetworkSpec, 'N' | 'L'> {
  const base: Omit<NetworkSpec, 'N' | 'L'> = {
    activation: 'sigmoid',
    weights: { name: weights, scale: 1 },
    bias: { name: 'gaussian', scale: 1 },
    // The study samples weights without width scaling (entries O(1) at N0 = 10); see docs/study-configuration.md.
    scaling: 'raw',
    seed,
  };
  validateSpec({ N: STUDY_WIDTH, L: 1, ...base });
  return base;
}
