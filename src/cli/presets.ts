/**
 * Configuration presets for the network flags (docs/cli.md `--preset`).
 * `study`: the configuration of the fixed-point study (arXiv 2501.04182), per weight law.
 * Its values and their provenance are documented in docs/study-configuration.md.
 */
import type { RawNetworkFlags } from './flags.ts';

export interface Preset {
  description: string;
  /** Flag values the preset sets for a given --weights law (raw flags, as typed by a user). */
  flagsFor(weights: string | undefined): RawNetworkFlags;
}

export const PRESETS: Record<string, Preset> = {
  study: {
    description:
      'fixed-point study (arXiv 2501.04182): sigmoid, width N0 = 10, unscaled (raw) weights sigma_w = 1 of the chosen law ' +
      '(default cauchy), Gaussian biases sigma_b = 1. Recovered from the study abstracts (v1, v2) only; width and scale are ' +
      'the closest configuration found, not the study\'s verified numbers (docs/study-configuration.md)',
    flagsFor: (weights) => ({
      activation: 'sigmoid',
      weights: weights ?? 'cauchy',
      width: '10',
      sigmaW: '1',
      bias: 'gaussian',
      sigmaB: '1',
      // The study samples weights without width scaling (entries O(1) at N0 = 10); see docs/study-configuration.md.
      scaling: 'raw',
    }),
  },
};

/** Preset values under the flags the user gave explicitly (those override the preset). */
export function applyPreset(name: string, given: RawNetworkFlags): RawNetworkFlags {
  const p = PRESETS[name]!;
  const base = p.flagsFor(given.weights);
  const out: RawNetworkFlags = { ...base };
  for (const [k, v] of Object.entries(given)) if (v !== undefined) (out as Record<string, string>)[k] = v;
  return out;
}
