/**
 * Predicted against Monte Carlo Q(N0, L) over depths (`jesd compare`, docs/cli.md): the predicted
 * count (Kac-Rice E[# stable fixed points], theory/06-fixed-points.md (6.9)-(6.16), or the spectral
 * link Q = 1 + N0 p_{>1} (6.5)) beside the multistart count on sampled networks, with standard errors.
 */
import { kacRice } from '../counting/kacRice.ts';
import { annealedComplexity, annealedFromHeavySpectrum, type AnnealedComplexity } from '../counting/annealed.ts';
import { countNetwork, countsFromSearch, type CountProtocol, type ProtocolOptions } from '../counting/protocols.ts';
import { InvalidSpecError } from '../errors.ts';
import { takesLightRoute } from '../jacobian/index.ts';
import { INVERTIBLE } from '../fixedpoints/newtonAll.ts';
import { findFixedPoints } from '../fixedpoints/search.ts';
import { meanAndSd } from '../numerics/stats.ts';
import { sampleNetwork } from '../network/network.ts';
import type { NetworkSpec } from '../spec/networkSpec.ts';
import { predictQ } from '../predict/qPrediction.ts';

/** Which prediction `predictedQ` holds: the Kac-Rice estimate of E[# stable fixed points] (theory/06 (6.9)-(6.16), exact at finite N) or the spectral link Q = 1 + N0 p_{>1} (6.5), a hypothesis that fails the Gaussian control. */
export const PREDICTIONS = ['auto', 'kac-rice', 'spectral-link'] as const;
export type PredictionChoice = (typeof PREDICTIONS)[number];

export interface CompareRow {
  depth: number;
  /** The chosen prediction (`predictionMethod`). */
  predictedQ: number;
  predictionMethod: 'kac-rice' | 'spectral-link';
  /** Kac-Rice E[# stable fixed points] with its standard error and Kish ESS (null where it does not apply: no bias density, a non-invertible activation, or --prediction spectral-link). */
  kacRiceQ: number | null;
  kacRiceStderr: number | null;
  kacRiceEss: number | null;
  /** The spectral link 1 + N0 p_{>1} (6.5). */
  spectralLinkQ: number;
  meanQ: number;
  stderrQ: number;
  fractionAboveOne: number;
  pQAbove1: number;
  meanUnsettledShare: number;
  meanCycles: number;
  /** Mean Q over the networks with at least one stable fixed point, and its standard error. */
  meanQGivenPositive: number;
  stderrQGivenPositive: number;
  /** P(Q = 0): networks whose starts all end on cycles (or do not settle). */
  pQZero: number;
  /** Mean number of attractors (stable fixed points + stable cycles) per network, and its standard error. */
  meanAttractors: number;
  stderrAttractors: number;
  networks: number;
  failedNetworks: number;
  predictionConverged: boolean;
  /** Counting protocol of meanCount (--count; src/counting/protocols.ts). */
  protocol: CountProtocol;
  /** Mean count per network by `protocol` and its standard error (stable: meanQ). */
  meanCount: number;
  stderrCount: number;
  /** Protocol all: mean share of Newton starts that converged; null otherwise. */
  meanConvergedShare: number | null;
  /**
   * Annealed large-N complexity (1/N) log E[# fixed points] (theory/06 (6.22)-(6.26)), labelled
   * annealed: `complexity`, `expectedAll` = exp(N complexity), the route (light: free probability;
   * heavy: the population law behind spectralLinkQ) and its self-check; null where no route applies
   * (a light-tailed law with non-Gaussian biases).
   */
  annealed: (Pick<AnnealedComplexity, 'complexity' | 'expectedAll' | 'route' | 'label'> & { checkPassed: boolean }) | null;
}

export interface CompareOptions {
  networks: number; starts: number; maxIterations: number; populationSize: number; sweeps: number; replicas?: number; prediction?: PredictionChoice; kacRiceSamples?: number; onProgress?: (msg: string) => void;
  /** Counting protocol of meanCount (default stable) and its final-states options. */
  protocol?: CountProtocol;
  protocolOptions?: Pick<ProtocolOptions, 'iterations' | 'clusterTolerance'>;
}

/** Kac-Rice needs an invertible activation (fixed points in its image) and a last bias with a density (theory/06 section 6.6). */
export function kacRiceApplies(spec: Omit<NetworkSpec, 'L'>): boolean {
  return spec.bias !== null && (INVERTIBLE as readonly string[]).includes(spec.activation);
}

/** Monte Carlo and predicted Q over depths (theory/06-fixed-points.md (6.1), (6.5)). */
export function compareDepths(base: Omit<NetworkSpec, 'L'>, depths: number[], opts: CompareOptions): CompareRow[] {
  const rows: CompareRow[] = [];
  for (const L of depths) {
    const spec: NetworkSpec = { ...base, L };
    const qs: number[] = [], att: number[] = [], counts: number[] = [], conv: number[] = [];
    const protocol = opts.protocol ?? 'stable';
    let failed = 0, uns = 0, cyc = 0;
    for (let k = 0; k < opts.networks; k++) {
      try {
        const net = sampleNetwork(spec, k);
        const r = findFixedPoints(net, { starts: opts.starts, maxIterations: opts.maxIterations });
        let c: number;
        if (protocol === 'stable' || protocol === 'attractors') c = protocol === 'stable' ? r.Q : countsFromSearch(r).attractors;
        else {
          const pc = countNetwork(net, protocol, { starts: opts.starts, ...opts.protocolOptions });
          c = pc.count;
          if (pc.convergedShare !== null) conv.push(pc.convergedShare);
        }
        qs.push(r.Q); att.push(r.Q + r.cycles.length); uns += r.unsettledShare; cyc += r.cycles.length; counts.push(c);
      } catch (e) {
        failed++; // a network whose search failed is excluded and counted, never silently kept
        opts.onProgress?.(`depth ${L} network ${k}: search failed: ${(e as Error).message}`);
      }
    }
    const n = qs.length;
    const { mean, sd } = n > 0 ? meanAndSd(qs) : { mean: 0, sd: null };
    const pos = qs.filter((q) => q > 0);
    const cond = pos.length > 0 ? meanAndSd(pos) : { mean: 0, sd: null };
    const attr = n > 0 ? meanAndSd(att) : { mean: 0, sd: null };
    const cnt = n > 0 ? meanAndSd(counts) : { mean: 0, sd: null };
    const pred = predictQ(spec, { populationSize: opts.populationSize, sweeps: opts.sweeps, seed: spec.seed, ...(opts.replicas !== undefined ? { replicas: opts.replicas } : {}) });
    let ann: AnnealedComplexity | null = null;
    try {
      ann = takesLightRoute(spec.weights) ? annealedComplexity(spec) : annealedFromHeavySpectrum(spec.N, pred.spectrum);
    } catch (e) {
      if (!(e instanceof InvalidSpecError)) throw e;
    }
    const choice = opts.prediction ?? 'auto';
    const kr = choice !== 'spectral-link' && kacRiceApplies(spec) ? kacRice(spec, { samples: opts.kacRiceSamples ?? 16384 }) : null;
    rows.push({
      depth: L, predictedQ: kr ? kr.stable.mean : pred.predictedQ, predictionMethod: kr ? 'kac-rice' : 'spectral-link',
      kacRiceQ: kr ? kr.stable.mean : null, kacRiceStderr: kr ? kr.stable.stderr : null, kacRiceEss: kr ? kr.essStable : null,
      spectralLinkQ: pred.predictedQ, meanQ: mean, stderrQ: sd !== null ? sd / Math.sqrt(n) : 0,
      fractionAboveOne: pred.fractionAboveOne, pQAbove1: n > 0 ? qs.filter((q) => q > 1).length / n : 0,
      meanUnsettledShare: n > 0 ? uns / n : 0, meanCycles: n > 0 ? cyc / n : 0,
      meanQGivenPositive: cond.mean, stderrQGivenPositive: cond.sd !== null ? cond.sd / Math.sqrt(pos.length) : 0,
      pQZero: n > 0 ? (n - pos.length) / n : 0,
      meanAttractors: attr.mean, stderrAttractors: attr.sd !== null ? attr.sd / Math.sqrt(n) : 0,
      networks: n, failedNetworks: failed, predictionConverged: pred.diagnostics.converged,
      protocol, meanCount: cnt.mean, stderrCount: cnt.sd !== null ? cnt.sd / Math.sqrt(n) : 0,
      meanConvergedShare: conv.length > 0 ? meanAndSd(conv).mean : null,
      annealed: ann === null ? null : { complexity: ann.complexity, expectedAll: ann.expectedAll, route: ann.route, label: ann.label, checkPassed: ann.check.passed },
    });
    opts.onProgress?.(`depth ${L}: meanQ ${mean.toFixed(3)} predictedQ ${rows[rows.length - 1]!.predictedQ.toFixed(3)} (${rows[rows.length - 1]!.predictionMethod})`);
  }
  return rows;
}

