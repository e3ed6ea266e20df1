/**
 * The prediction behind claim C4 of `jesd reproduce` (docs/claims.md): the Kac-Rice estimate of
 * E[# stable fixed points] (src/counting/kacRice.ts, theory/06 (6.12)-(6.15)), exact at finite N, per
 * heavy-tailed grid point (width, depth), with the Gaussian control beside it (the same estimator
 * on the Gaussian `study` configuration, where every network has exactly one fixed point, so a
 * prediction route that is right must give 1 within its error). The spectral link 1 + N0 p_{>1}
 * (theory/06 (6.5)) stays in the report as the old route.
 *
 * Units: one per (weights, width, depth), each a whole kacRice run (its own networks and draws,
 * addressed by the seed, so a unit depends only on its input); records go to kacrice.jsonl.
 */
import { join } from 'node:path';
import { runPool } from '../../montecarlo/pool.ts';
import type { NetworkSpec } from '../../spec/networkSpec.ts';
import { studySpec } from '../../spec/presets.ts';
import type { ReproductionScale, ScaleName } from '../scales.ts';
import { linePlot, PALETTE } from '../../plot/svg.ts';
import type { PredictedQCurve } from '../theory.ts';
import { openUnitStore, type UnitRecord } from '../unitStore.ts';
import { UNITS_URL, type KacRiceRecord, type KacRiceUnit } from '../units.ts';
import { theoryVerdict } from '../verdicts.ts';
import { heavySection, predictedCurves } from './heavy.ts';
import { longUnitPool, mdTable, r3, storedRecords, unitsOfRun, writeFigure, type ClaimSection } from './section.ts';
import { qRows } from './sweep.ts';

/**
 * Per scale: Kac-Rice draws per heavy-tailed grid point, the largest depth predicted (the heavy
 * depths up to it; deeper points cost the most and have Q = 1), and the draws and depths of the
 * Gaussian control (more draws: its tolerance is absolute).
 */
export const KAC_RICE_SCALES: Record<ScaleName, { samples: number; maxDepth: number; controlSamples: number; controlDepths: number[] }> = {
  tiny: { samples: 128, maxDepth: 12, controlSamples: 256, controlDepths: [1] },
  quick: { samples: 2048, maxDepth: 16, controlSamples: 8192, controlDepths: [1, 4] },
  paper: { samples: 16384, maxDepth: 32, controlSamples: 32768, controlDepths: [1, 2, 4, 8, 16] },
};

/** Tolerance of the Gaussian control: |predicted Q - 1| at every control depth. */
export const CONTROL_TOLERANCE = 0.05;

export const KAC_RICE_RUN_FILES = ['kacrice.jsonl', 'kacrice.jsonl.meta.json'];


function units(scale: ReproductionScale, heavyBase: Omit<NetworkSpec, 'N' | 'L'>, lightBase: Omit<NetworkSpec, 'N' | 'L'>): KacRiceUnit[] {
  const ks = KAC_RICE_SCALES[scale.name];
  const out: KacRiceUnit[] = [];
  for (const N of scale.heavy.widths) {
    for (const L of scale.heavy.depths.filter((d) => d <= ks.maxDepth)) out.push({ key: `cauchy|${N}|${L}`, control: false, spec: { ...heavyBase, N, L }, samples: ks.samples });
    for (const L of ks.controlDepths) out.push({ key: `gaussian|${N}|${L}`, control: true, spec: { ...lightBase, N, L }, samples: ks.controlSamples });
  }
  return out;
}

/**
 * Progress weight of a unit in "sampled networks" (only the ETA uses it): its cost grows with the
 * draws times the depth; 150 draw-layers cost about one network of the heavy-tailed sweep (a paper
 * unit at L = 24 took about 2 CPU-minutes).
 */
const unitWeight = (u: KacRiceUnit): number => Math.max(1, Math.round((u.samples * u.spec.L) / 150));

/** Progress weight of the section (the sum of its units' weights). */
export function kacRiceUnitCount(scale: ReproductionScale): number {
  // The weights depend on the sizes only, not on the laws.
  return units(scale, studySpec('cauchy'), studySpec('gaussian')).reduce((acc, u) => acc + unitWeight(u), 0);
}

/**
 * Section of claim C4: the Kac-Rice prediction per heavy-tailed grid point and the Gaussian control
 * (run), then C4 judged on the Kac-Rice curve against the Monte Carlo Q of the heavy section, with
 * the spectral link (the heavy section's theory curve) kept beside it as the old route (report).
 */
export const kacRiceSection: ClaimSection<KacRiceRecord[]> = {
  id: 'kac-rice',
  runFiles: KAC_RICE_RUN_FILES,
  progressLabel: 'Kac-Rice prediction of Q',
  timingLabel: 'Kac-Rice prediction (C4)',
  work: kacRiceUnitCount,
  async run(ctx) {
    const { scale, opts, progress } = ctx;
    const us = units(scale, ctx.bases.cauchy, ctx.bases.gaussian);
    const store = openUnitStore<KacRiceRecord & UnitRecord>(join(ctx.out, KAC_RICE_RUN_FILES[0]!), 'jesd-reproduce-kacrice', {
      seed: opts.seed, scale: scale.name, kacRice: KAC_RICE_SCALES[scale.name], heavyBase: ctx.bases.cauchy, lightBase: ctx.bases.gaussian,
    }, { resume: opts.resume, units: new Map(us.map((u) => [u.key, { width: u.spec.N, depth: u.spec.L, control: u.control }])) });
    try {
      for (const u of us) if (store.done.has(u.key)) progress.skip(unitWeight(u));
      // Deepest first: the costliest units start early, so the threads finish together.
      const todo = unitsOfRun(ctx, us).filter((u) => !store.done.has(u.key)).sort((x, y) => y.spec.L - x.spec.L);
      await runPool<KacRiceUnit, KacRiceRecord>(todo, UNITS_URL, {
        ...longUnitPool(ctx), exportName: 'runKacRiceUnit',
        onResult: (i, rec) => { store.append(rec as KacRiceRecord & UnitRecord); progress.add(unitWeight(todo[i]!)); },
      });
    } finally {
      store.close();
    }
    return { result: storedRecords(ctx, us, store.done), files: [KAC_RICE_RUN_FILES[0]!] };
  },
  report(ctx, records) {
    const { scale, out } = ctx;
    const files: string[] = [];
    const heavyRows = qRows(ctx.result(heavySection).records);
    const spectral = predictedCurves(ctx).filter((c) => c.ok).map((c) => (c as { ok: true; value: PredictedQCurve }).value);
    const heavy = records.filter((r) => !r.control);
    const control = records.filter((r) => r.control);
    const controlPasses = control.every((r) => Math.abs(r.stable.mean - 1) <= CONTROL_TOLERANCE && r.warning === null);
    const unreliable = heavy.filter((r) => r.warning !== null);
    const ks = KAC_RICE_SCALES[scale.name];
    const method = `Kac-Rice estimate of E[# stable fixed points] (src/counting/kacRice.ts; theory/06-fixed-points.md (6.12)-(6.15), exact at finite N), ${ks.samples} importance draws per depth`;
    // Points whose effective sample size is below the threshold are left out of the curve (and marked).
    const curves: PredictedQCurve[] = scale.heavy.widths.map((w) => {
      const rs = heavy.filter((r) => r.width === w && r.warning === null).sort((x, y) => x.depth - y.depth);
      return { width: w, depths: rs.map((r) => r.depth), predictedQ: rs.map((r) => r.stable.mean), method };
    });
    let reason: string | undefined;
    if (curves.some((c) => c.depths.length < 3)) reason = `fewer than 3 depths have a reliable Kac-Rice estimate (effective sample size below its threshold at ${unreliable.map((r) => `N=${r.width} L=${r.depth}`).join(', ')})`;
    else if (!controlPasses) reason = `the Gaussian control failed: Kac-Rice gives ${control.map((r) => `${r3(r.stable.mean)} at L=${r.depth}`).join(', ')} where every network has exactly one fixed point`;

    // Figure: Monte Carlo mean Q, the Kac-Rice prediction, the spectral link (old route).
    for (const w of scale.heavy.widths) {
      const mc = heavyRows.filter((r) => r.width === w);
      const kr = heavy.filter((r) => r.width === w).sort((x, y) => x.depth - y.depth);
      const sl = spectral.find((c) => c.width === w);
      writeFigure(out, `fig-c4-kacrice-N${w}`, linePlot([
        { name: 'Monte Carlo mean Q (+- 1 s.e.)', x: mc.map((r) => r.depth), y: mc.map((r) => r.meanQ), yErr: mc.map((r) => r.stderrQ ?? 0), mode: 'both', color: PALETTE[0] },
        { name: 'Kac-Rice E[# stable fixed points] (+- 1 s.e.)', x: kr.map((r) => r.depth), y: kr.map((r) => r.stable.mean), yErr: kr.map((r) => r.stable.stderr), mode: 'both', marker: 'square', color: PALETTE[1] },
        ...(sl ? [{ name: 'spectral link 1 + N0 p>1 (old route)', x: sl.depths, y: sl.predictedQ, dashed: true, color: PALETTE[2] }] : []),
      ], {
        title: `C4: predicted vs Monte Carlo Q(N0 = ${w}, L)`, xLabel: 'depth L', yLabel: 'stable fixed points per network', xLog: true,
        referenceLines: [{ y: 1, label: 'Q = 1' }],
        caption: `${method}. Dashed: the spectral link of theory/06 (6.5), the old route (it gives well above 1 for Gaussian weights, where every network has Q = 1).`,
      }), files);
    }

    const md: string[] = [];
    md.push(`C4 compares the Monte Carlo Q(N0, L) of the heavy-tail section with the ${method}, at depths up to ${ks.maxDepth}${unreliable.length > 0 ? `; left out of the curve because their effective sample size is below the estimator's threshold: ${unreliable.map((r) => `N=${r.width} L=${r.depth}`).join(', ')}` : ''}. It replaces the spectral link Q_pred = 1 + N0 p_{>1} (theory/06 (6.5)), the old route, kept in the table and figure (it fails the Gaussian control: 1.67 instead of 1 at L = 1 for the Gaussian study configuration, theory/06 section 6.7).`);
    md.push('');
    for (const w of scale.heavy.widths) md.push(`![C4 Kac-Rice N=${w}](fig-c4-kacrice-N${w}.svg)`);
    md.push('');
    const sl = (w: number, d: number) => {
      const c = spectral.find((cv) => cv.width === w);
      const i = c ? c.depths.indexOf(d) : -1;
      return c && i >= 0 ? r3(c.predictedQ[i]!) : 'n/a';
    };
    md.push(mdTable(['N', 'L', 'Monte Carlo mean Q', 'Kac-Rice stable (+- s.e.)', 'Kac-Rice all (+- s.e.)', 'ESS all / stable', 'spectral link (old route)'],
      heavy.map((r) => {
        const mc = heavyRows.find((q) => q.width === r.width && q.depth === r.depth);
        return [r.width, r.depth, mc ? r3(mc.meanQ) : 'n/a', `${r3(r.stable.mean)} +- ${r.stable.stderr.toFixed(3)}`, `${r3(r.all.mean)} +- ${r.all.stderr.toFixed(3)}`, `${r.ess.toFixed(0)} / ${r.essStable.toFixed(0)}${r.warning ? ' (below threshold)' : ''}`, sl(r.width, r.depth)];
      })));
    md.push('');
    md.push(`Gaussian control (the \`study\` configuration with Gaussian weights: every network has exactly one fixed point): Kac-Rice gives ${control.map((r) => `${r3(r.stable.mean)} +- ${r.stable.stderr.toFixed(3)} at N=${r.width} L=${r.depth}`).join(', ')}; ${controlPasses ? `every value is within ${CONTROL_TOLERANCE} of 1, so the route passes the control` : `some value is further than ${CONTROL_TOLERANCE} from 1 (or unreliable), so C4 is not run`}.`);
    const judged = reason === undefined ? curves : null;
    return {
      verdicts: [theoryVerdict(judged, heavyRows, reason)],
      whatWasRun: [`Prediction of C4: Kac-Rice, ${ks.samples} draws per heavy-tailed point up to depth ${ks.maxDepth}; Gaussian control at depths ${ks.controlDepths.join(', ')} with ${ks.controlSamples} draws.`],
      heading: 'The prediction behind C4: Kac-Rice (and the spectral link, the old route)',
      markdown: md,
      summary: { kacRiceQ: { curves: judged, reason: reason ?? null, records, controlPasses } },
      files,
    };
  },
};
