/**
 * E[# fixed points] and E[# stable fixed points] by counting them network by network: multistart
 * Newton in pre-activation coordinates (src/fixedpoints/newtonAll.ts, theory/06 (6.16)) on networks
 * 0..K-1 of a spec, mean and standard error over networks (6.1).
 */
import { requireInteger } from '../errors.ts';
import { newtonAllFixedPoints, type NewtonAllOptions } from '../fixedpoints/newtonAll.ts';
import { sampleNetwork } from '../network/network.ts';
import { validateSpec, type NetworkSpec } from '../spec/networkSpec.ts';
import { meanStderr, type CountEstimate } from './kacRice.ts';

export interface MultistartCountOptions extends NewtonAllOptions {
  /** Number of networks (default 100). */
  networks?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface MultistartCountResult {
  method: 'multistart';
  all: CountEstimate;
  stable: CountEstimate;
  networks: number;
  starts: number;
  /** Mean over networks of the share of Newton starts that converged. */
  convergedShare: number;
  /** Smallest per-network converged share. */
  minConvergedShare: number;
  /** Per-network counts (index k is network k). */
  perNetwork: { all: number; stable: number }[];
}

export function countByMultistart(spec: NetworkSpec, opts: MultistartCountOptions = {}): MultistartCountResult {
  validateSpec(spec);
  const K = requireInteger('networks', opts.networks ?? 100, 2, 1e9);
  const perNetwork: { all: number; stable: number }[] = [];
  let conv = 0;
  let minConv = 1;
  let starts = 0;
  for (let n = 0; n < K; n++) {
    const r = newtonAllFixedPoints(sampleNetwork(spec, n), opts);
    perNetwork.push({ all: r.all, stable: r.stable });
    conv += r.convergedShare;
    minConv = Math.min(minConv, r.convergedShare);
    starts = r.starts;
    opts.onProgress?.(n + 1, K);
  }
  return {
    method: 'multistart',
    all: meanStderr(perNetwork.map((p) => p.all)),
    stable: meanStderr(perNetwork.map((p) => p.stable)),
    networks: K,
    starts,
    convergedShare: conv / K,
    minConvergedShare: minConv,
    perNetwork,
  };
}
