/**
 * The counting-protocol section of `jesd reproduce` (docs/claims.md, P2): the four counting protocols
 * of src/counting/protocols.ts (stable, all, attractors, final-states; theory/06 section 6.8) over
 * depth for the heavy-tailed `study` configuration, on the same networks, with a few per-network depth
 * curves and the share of networks whose curve rises above its L = 1 value and returns to 1
 * (src/counting/depthCurves.ts, theory/06 (6.21)).
 *
 * Units: one per (depth, network), computing all four counts on sampleNetwork(spec, network) (so
 * the protocols see the same networks, and network k at depth L is the first L layers of network k
 * at any larger depth). Records go to protocols.jsonl (resumable unit store); a unit depends only on
 * its input, so the section is the same for any worker count.
 */
import { join } from 'node:path';
import { curvesFromPoints, type DepthCurveSummary } from '../../counting/depthCurves.ts';
import { COUNT_PROTOCOLS, type CountProtocol } from '../../counting/protocols.ts';
import { runPool } from '../../montecarlo/pool.ts';
import { meanAndSd } from '../../numerics/stats.ts';
import { describeSpec } from '../../spec/networkSpec.ts';
import type { ReproductionScale, ScaleName } from '../scales.ts';
import { linePlot, PALETTE, type Series } from '../../plot/svg.ts';
import { openUnitStore, type UnitRecord } from '../unitStore.ts';
import { UNITS_URL, type ProtocolRecord, type ProtocolUnit } from '../units.ts';
import type { ClaimVerdict, Verdict } from '../verdicts.ts';
import { mdTable, r3, storedRecords, unitsOfRun, writeFigure, type ClaimContext, type ClaimSection } from './section.ts';

/** Sizes of the section per reproduction scale. */
export interface ProtocolsScale {
  width: number;
  /** Depths, ascending, starting at 1 (the depth curves need L = 1). */
  depths: number[];
  networks: number;
  /** Starts of the multistart search, of the final-states iteration and Newton starts of the all protocol. */
  starts: number;
  /** final-states: iterations T and clustering tolerance. */
  iterations: number;
  tolerance: number;
  /** Per-network curves drawn in the figure. */
  curvesShown: number;
}

export const PROTOCOL_SCALES: Record<ScaleName, ProtocolsScale> = {
  quick: { width: 10, depths: [1, 2, 3, 4, 6, 8, 12, 16], networks: 20, starts: 40, iterations: 1000, tolerance: 1e-6, curvesShown: 4 },
  paper: { width: 10, depths: [1, 2, 3, 4, 6, 8, 12, 16, 24], networks: 300, starts: 200, iterations: 1000, tolerance: 1e-6, curvesShown: 6 },
  tiny: { width: 4, depths: [1, 2, 4], networks: 4, starts: 12, iterations: 200, tolerance: 1e-6, curvesShown: 2 },
};

/** Files of this section (a record file and its run description mark an earlier run). */
export const PROTOCOL_RUN_FILES = ['protocols.jsonl', 'protocols.jsonl.meta.json'];

/** Units of the section at a scale (for the progress total). */
export function protocolUnitCount(scale: ReproductionScale): number {
  const p = PROTOCOL_SCALES[scale.name];
  return p.depths.length * p.networks;
}


export interface ProtocolRow {
  depth: number;
  networks: number;
  mean: Record<CountProtocol, number>;
  stderr: Record<CountProtocol, number>;
  meanConvergedShare: number;
}

export interface ProtocolsSummary { width: number; rows: ProtocolRow[]; riseAndReturn: Record<CountProtocol, DepthCurveSummary['riseAndReturn']> }

export const PROTOCOLS_RULE =
  'for each protocol, a rise is a depth L > 1 whose mean count exceeds both the mean at L = 1 and 1 by more than 2 (combined) standard errors, and a return is a mean count within 0.1 of 1 at the largest depth. Reproduced if some protocol rises and returns; not reproduced otherwise. Reported beside it: the share of networks whose own curve rises above its L = 1 value and returns to 1 (95% Wilson interval).';

const LABEL: Record<CountProtocol, string> = {
  stable: 'stable fixed points (Q)',
  all: 'all fixed points (Newton)',
  attractors: 'attractors (cycle counted once)',
  'final-states': 'final states (clusters of x_T)',
};

/** The verdict of the rule above, from the per-depth rows. */
export function protocolsVerdict(rows: readonly ProtocolRow[], shares: ProtocolsSummary['riseAndReturn']): ClaimVerdict {
  const claim = 'Counting protocols: the rise-then-return of Q(N0, L) over depth appears under some way of counting fixed points of untrained heavy-tailed networks (stable fixed points, all fixed points, attractors, or clusters of final states).';
  if (rows.length < 2) return { id: 'P2', claim, verdict: 'not run', rule: PROTOCOLS_RULE, evidence: 'fewer than two depths were run.' };
  const first = rows[0]!, last = rows[rows.length - 1]!;
  const results = COUNT_PROTOCOLS.map((p) => {
    let rise: ProtocolRow | null = null;
    for (const r of rows.slice(1)) {
      const se = Math.hypot(r.stderr[p], first.stderr[p]);
      if (r.mean[p] - first.mean[p] > 2 * se && r.mean[p] - 1 > 2 * r.stderr[p] && (rise === null || r.mean[p] > rise.mean[p])) rise = r;
    }
    const returns = Math.abs(last.mean[p] - 1) <= 0.1;
    return { p, rise, returns };
  });
  const verdict: Verdict = results.some((r) => r.rise !== null && r.returns) ? 'reproduced' : 'not reproduced';
  const evidence = results.map(({ p, rise, returns }) => {
    const s = shares[p];
    return `${p}: ${r3(first.mean[p])} at L=1, ${rise ? `rises to ${r3(rise.mean[p])} at L=${rise.depth}` : 'no significant rise'}, ${r3(last.mean[p])} at L=${last.depth}${returns ? '' : ' (not back to 1)'}; curves rising and returning ${s.successes}/${s.trials} (${(100 * s.lower).toFixed(0)}-${(100 * s.upper).toFixed(0)}%)`;
  }).join('; ') + '.';
  return { id: 'P2', claim, verdict, rule: PROTOCOLS_RULE, evidence };
}

/** The section's units: every (depth, network), the same networks at every depth. */
function protocolUnits(ctx: ClaimContext): ProtocolUnit[] {
  const ps = PROTOCOL_SCALES[ctx.scale.name];
  const fpo = ctx.scale.fixedPointOptions;
  const units: ProtocolUnit[] = [];
  for (const L of ps.depths) {
    for (let k = 0; k < ps.networks; k++) {
      units.push({
        key: `${L}#${k}`, spec: { ...ctx.bases.cauchy, N: ps.width, L }, network: k, starts: ps.starts,
        iterations: ps.iterations, tolerance: ps.tolerance, maxIterations: fpo.maxIterations, maxPeriod: fpo.maxPeriod,
      });
    }
  }
  return units;
}

export const protocolsSection: ClaimSection<ProtocolRecord[]> = {
  id: 'protocols',
  runFiles: PROTOCOL_RUN_FILES,
  progressLabel: 'counting protocols over depth',
  timingLabel: 'counting protocols',
  work: protocolUnitCount,
  async run(ctx) {
    const units = protocolUnits(ctx);
    const ps = PROTOCOL_SCALES[ctx.scale.name];
    const fpo = ctx.scale.fixedPointOptions;
    const store = openUnitStore<ProtocolRecord & UnitRecord>(join(ctx.out, PROTOCOL_RUN_FILES[0]!), 'jesd-reproduce-protocols', {
      seed: ctx.opts.seed, scale: ctx.scale.name, protocols: ps, base: ctx.bases.cauchy, fixedPointOptions: fpo,
    }, { resume: ctx.opts.resume, units: new Map(units.map((u) => [u.key, { depth: u.spec.L, network: u.network }])) });
    try {
      ctx.progress.skip(store.done.size);
      const todo = unitsOfRun(ctx, units).filter((u) => !store.done.has(u.key));
      await runPool<ProtocolUnit, ProtocolRecord>(todo, UNITS_URL, {
        workers: ctx.opts.workers, exportName: 'runProtocolUnit',
        onResult: (_i, rec) => { store.append(rec as ProtocolRecord & UnitRecord); ctx.progress.add(1); },
      });
    } finally {
      store.close();
    }
    return { result: storedRecords(ctx, units, store.done), files: [PROTOCOL_RUN_FILES[0]!] };
  },
  report(ctx, records) {
    const files: string[] = [];
    const ps = PROTOCOL_SCALES[ctx.scale.name];
    const rows: ProtocolRow[] = ps.depths.map((L) => {
      const g = records.filter((r) => r.depth === L).sort((x, y) => x.network - y.network);
      const stat = (p: CountProtocol) => meanAndSd(g.map((r) => r.counts[p]));
      const mean = {} as Record<CountProtocol, number>, stderr = {} as Record<CountProtocol, number>;
      for (const p of COUNT_PROTOCOLS) {
        const s = stat(p);
        mean[p] = s.mean;
        stderr[p] = s.sd === null ? 0 : s.sd / Math.sqrt(g.length);
      }
      return { depth: L, networks: g.length, mean, stderr, meanConvergedShare: meanAndSd(g.map((r) => r.convergedShare)).mean };
    });
    const curves = {} as Record<CountProtocol, DepthCurveSummary>;
    for (const p of COUNT_PROTOCOLS) curves[p] = curvesFromPoints(records.map((r) => ({ network: r.network, depth: r.depth, value: r.counts[p] })), ps.depths);
    const shares = Object.fromEntries(COUNT_PROTOCOLS.map((p) => [p, curves[p].riseAndReturn])) as ProtocolsSummary['riseAndReturn'];
    const verdict = protocolsVerdict(rows, shares);

    // Figures: the four means over depth; a few per-network curves (stable and final-states).
    const x = rows.map((r) => r.depth);
    writeFigure(ctx.out, 'fig-protocols', linePlot(COUNT_PROTOCOLS.map((p, i) => ({
      name: LABEL[p], x, y: rows.map((r) => r.mean[p]), yErr: rows.map((r) => r.stderr[p]), mode: 'both', color: PALETTE[i % PALETTE.length],
    })), {
      title: `Four counting protocols over depth (heavy tails, N = ${ps.width})`, xLabel: 'depth L', yLabel: 'mean count per network', xLog: true,
      referenceLines: [{ y: 1, label: '1' }],
      caption: `${describeSpec({ ...ctx.bases.cauchy, N: ps.width, L: 1 }).replace(/ L=1/, '')}; ${ps.networks} networks per depth (the same networks at every depth, deepened layer by layer), ${ps.starts} starts each; final states after T = ${ps.iterations} iterations clustered at ${ps.tolerance}. Error bars: 1 standard error.`,
    }), files);
    const shown = curves.stable.curves.slice(0, ps.curvesShown);
    const curveSeries: Series[] = shown.flatMap((c, i) => {
      const fin = curves['final-states'].curves.find((d) => d.network === c.network)!;
      const color = PALETTE[i % PALETTE.length];
      return [
        { name: `network ${c.network}: stable fixed points`, x: c.depths, y: c.values, mode: 'both' as const, color },
        { name: `network ${c.network}: final states`, x: fin.depths, y: fin.values, mode: 'both' as const, color, dashed: true, marker: 'square' as const },
      ];
    });
    writeFigure(ctx.out, 'fig-protocols-curves', linePlot(curveSeries, {
      title: 'Per-network depth curves (one realization deepened layer by layer)', xLabel: 'depth L', yLabel: 'count of this network', xLog: true,
      referenceLines: [{ y: 1, label: '1' }],
      caption: `Networks 0-${shown.length - 1} of the section: solid, stable fixed points; dashed, clusters of final states. Network k at depth L is the first L layers of network k at the largest depth.`,
    }), files);

    const md: string[] = [];
    md.push(`Network: ${describeSpec({ ...ctx.bases.cauchy, N: ps.width, L: 1 }).replace(/ L=1/, '')}; ${ps.networks} networks per depth, the same networks at every depth (network k at depth L is the first L layers of network k at the largest depth); ${ps.starts} starts per network for every protocol. stable: distinct stable fixed points of the multistart search (Q); all: distinct fixed points found by Newton in pre-activation coordinates (a lower bound; mean share of converged Newton starts in the last column); attractors: stable fixed points plus cycles, a cycle counted once; final states: clusters of x_T after T = ${ps.iterations} iterations at tolerance ${ps.tolerance} (a stable p-cycle shows as up to p clusters).`);
    md.push('');
    md.push('![counting protocols](fig-protocols.svg)');
    md.push('');
    md.push(mdTable(['L', 'networks', ...COUNT_PROTOCOLS.map((p) => `${p} (mean +- s.e.)`), 'Newton converged'],
      rows.map((r) => [r.depth, r.networks, ...COUNT_PROTOCOLS.map((p) => `${r3(r.mean[p])} +- ${r.stderr[p].toFixed(3)}`), r3(r.meanConvergedShare)])));
    md.push('');
    md.push('Per-network curves: the share of networks whose own curve rises above its L = 1 value and above 1 at some depth and later equals 1 (theory/06 (6.21)), with its 95% Wilson interval:');
    md.push('');
    md.push(mdTable(['protocol', 'curves rising and returning', 'share', '95% interval'],
      COUNT_PROTOCOLS.map((p) => { const s = shares[p]; return [p, `${s.successes} of ${s.trials}`, r3(s.rate), `${r3(s.lower)} - ${r3(s.upper)}`]; })));
    md.push('');
    md.push('![per-network curves](fig-protocols-curves.svg)');
    md.push('');
    return {
      verdicts: [verdict],
      whatWasRun: [`Counting protocols: N = ${ps.width}, depths ${ps.depths.join(', ')}, ${ps.networks} networks per depth (the same networks deepened), ${ps.starts} starts; stable, all (Newton), attractors, final states (T = ${ps.iterations}).`],
      heading: 'Counting protocols over depth (heavy tails)',
      markdown: md,
      summary: { protocols: { width: ps.width, rows, riseAndReturn: shares } satisfies ProtocolsSummary },
      files,
    };
  },
};
