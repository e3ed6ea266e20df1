/**
 * Configuration presets for the network flags (docs/cli.md `--preset`): the typed configurations
 * of src/spec/presets.ts as flag values. `study`: the fixed-point study (arXiv 2501.04182), per
 * weight law (any --weights law; its values are those of studySpec).
 */
import { STUDY_DESCRIPTION, STUDY_WIDTH, studySpec } from '../spec/presets.ts';
import type { RawNetworkFlags } from './flags.ts';

export interface Preset {
  description: string;
  /** Flag values the preset sets for a given --weights law (raw flags, as typed by a user). */
  flagsFor(weights: string | undefined): RawNetworkFlags;
}

export const PRESETS: Record<string, Preset> = {
  study: {
    description: STUDY_DESCRIPTION,
    flagsFor: (weights) => {
      const s = studySpec();
      return {
        activation: s.activation,
        weights: weights ?? s.weights.name,
        width: String(STUDY_WIDTH),
        sigmaW: String(s.weights.scale),
        bias: s.bias!.name,
        sigmaB: String(s.bias!.scale),
        scaling: s.scaling,
      };
    },
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
