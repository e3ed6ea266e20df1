/**
 * Per-network depth curves (theory/06-fixed-points.md section 6.8, (6.21)).
 *
 * Network k at depth L is sampleNetwork({...spec, L}, k), and the per-layer streams of
 * src/network/network.ts make it the first L layers of network k at any larger depth. So the counts
 * of network k over depths L_1 = 1 < L_2 < ... form the curve Q_k(L) of one realization deepened
 * layer by layer: what a study showing one realization per figure plots.
 *
 * A curve "rises and returns" when some depth L_i > 1 has Q_k(L_i) > max(Q_k(1), 1) (above its
 * L = 1 value and above 1, so a climb from 0 to 1 is not a rise) and a later depth L_j > L_i has
 * Q_k(L_j) = 1. The share of networks whose curve does so is a binomial proportion,
 * reported with its Wilson score interval (src/numerics/stats.ts wilsonInterval).
 */
import { InvalidSpecError, requireInteger } from '../errors.ts';
import { wilsonInterval, type BinomialInterval } from '../numerics/stats.ts';
import { sampleNetwork } from '../network/network.ts';
import { validateSpec, type NetworkSpec } from '../spec/networkSpec.ts';
import { countNetwork, type CountProtocol, type ProtocolOptions } from './protocols.ts';

/** One network's counts over depth (depths ascending, the first one 1). */
export interface DepthCurve {
  network: number;
  depths: number[];
  values: number[];
  risesAndReturns: boolean;
}

export interface DepthCurveSummary {
  curves: DepthCurve[];
  /** Networks whose curve rises above its L = 1 value and then returns to 1, with a 95% Wilson interval. */
  riseAndReturn: BinomialInterval;
}

/** (6.21): some L_i > 1 with v_i > max(v_1, 1), then a later L_j with v_j = 1. `depths` ascending, starting at 1. */
export function risesAndReturns(depths: readonly number[], values: readonly number[]): boolean {
  if (depths.length !== values.length) throw new InvalidSpecError('values', `need one value per depth, got ${values.length} for ${depths.length}`);
  if (depths[0] !== 1) throw new InvalidSpecError('depths', `a depth curve starts at depth 1, got ${depths[0]}`);
  for (let i = 1; i < depths.length; i++) if (!(depths[i]! > depths[i - 1]!)) throw new InvalidSpecError('depths', 'must be strictly increasing');
  const first = values.findIndex((v, i) => i > 0 && v > Math.max(values[0]!, 1));
  if (first < 0) return false;
  for (let j = first + 1; j < values.length; j++) if (values[j] === 1) return true;
  return false;
}

/**
 * Curves from per-(network, depth) counts, e.g. sweep records of one grid point's width and law
 * (value = the record's count, or Q). Every network must have a value at every depth of `depths`.
 */
export function curvesFromPoints(points: readonly { network: number; depth: number; value: number }[], depths: readonly number[]): DepthCurveSummary {
  const sorted = [...depths].sort((a, b) => a - b);
  const byNet = new Map<number, Map<number, number>>();
  for (const p of points) {
    let m = byNet.get(p.network);
    if (!m) byNet.set(p.network, (m = new Map()));
    if (m.has(p.depth)) throw new InvalidSpecError('records', `network ${p.network} has two values at depth ${p.depth}`);
    m.set(p.depth, p.value);
  }
  if (byNet.size === 0) throw new InvalidSpecError('records', 'no networks to draw depth curves from');
  const curves: DepthCurve[] = [...byNet.keys()].sort((a, b) => a - b).map((network) => {
    const m = byNet.get(network)!;
    const values = sorted.map((d) => {
      const v = m.get(d);
      if (v === undefined) throw new InvalidSpecError('records', `network ${network} has no value at depth ${d}`);
      return v;
    });
    return { network, depths: sorted, values, risesAndReturns: risesAndReturns(sorted, values) };
  });
  const s = curves.filter((c) => c.risesAndReturns).length;
  return { curves, riseAndReturn: wilsonInterval(s, curves.length) };
}

/** Counts of networks 0..networks-1 of `spec` at every depth by `protocol` (spec.L is ignored). */
export function depthCurves(spec: NetworkSpec, depths: readonly number[], networks: number, protocol: CountProtocol, opts: ProtocolOptions = {}): DepthCurveSummary {
  validateSpec(spec);
  requireInteger('networks', networks, 1, 1e7);
  if (depths.length === 0) throw new InvalidSpecError('depths', 'need at least one depth');
  const points: { network: number; depth: number; value: number }[] = [];
  for (let k = 0; k < networks; k++) {
    for (const L of depths) points.push({ network: k, depth: L, value: countNetwork(sampleNetwork({ ...spec, L }, k), protocol, opts).count });
  }
  return curvesFromPoints(points, depths);
}
