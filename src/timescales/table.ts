/**
 * The time-scale table (theory/10-timescales.md section 10.5): the flow integrated for several eps,
 * the learning times t_l per eps, the fitted exponents (10.14), and the figure of R(t) with the
 * predicted plateau heights (10.13). Used by `jesd timescales` and `jesd reproduce --study timescales`.
 */
import { InvalidSpecError, requirePositive } from '../errors.ts';
import { linePlot, PALETTE, type ReferenceLine, type Series } from '../plot/svg.ts';
import { fitExponents, integrateFlow, trackedDegrees, type ExponentFit, type FlowOptions, type FlowRun, type FlowSpec } from './flow.ts';

export interface TimescaleTable {
  spec: FlowSpec;
  runs: FlowRun[];
  exponents: ExponentFit[];
}

/** Integrate the flow for each eps (in the order given) and fit the exponents. */
export function timescaleTable(
  spec: FlowSpec,
  epsList: readonly number[],
  opts: Omit<FlowOptions, 'eps' | 'onProgress'> = {},
  onProgress?: (run: number, fraction: number) => void,
): TimescaleTable {
  if (epsList.length === 0) throw new InvalidSpecError('eps', 'needs at least one value');
  epsList.forEach((e) => requirePositive('eps', e));
  if (new Set(epsList).size !== epsList.length) throw new InvalidSpecError('eps', 'values must be distinct');
  const runs = epsList.map((eps, j) => integrateFlow(spec, { ...opts, eps, onProgress: onProgress ? (f) => onProgress(j, f) : undefined }));
  return { spec, runs, exponents: fitExponents(runs) };
}

/** The plateau heights 1/2 sum_{k > l} phi_k^2 (10.13) over the tracked degrees l, highest first. */
export function predictedPlateaus(spec: FlowSpec): { afterDegree: number; height: number }[] {
  const degrees = trackedDegrees(spec);
  return degrees.map((l) => ({ afterDegree: l, height: 0.5 * degrees.filter((k) => k > l).reduce((a, k) => a + spec.phi[k]! ** 2, 0) }));
}

/** SVG figure: R(t) for each eps (log t), predicted plateau heights as horizontal lines. */
export function timescalesFigure(table: TimescaleTable, title?: string): string {
  const series: Series[] = table.runs.map((run, j) => {
    const pts = run.samples.filter((s) => s.t > 0);
    return { name: `eps = ${run.eps.toExponential(0)}`, x: pts.map((s) => s.t), y: pts.map((s) => s.R), color: PALETTE[j % PALETTE.length] };
  });
  const refs: ReferenceLine[] = predictedPlateaus(table.spec)
    .filter((p) => p.height > 0)
    .map((p) => ({ y: p.height, label: `1/2 sum_{k>${p.afterDegree}} phi_k^2 = ${p.height.toPrecision(3)}`, color: '#777777' }));
  return linePlot(series, {
    title: title ?? `R(t): sigma = (${table.spec.sigma.join(', ')}), phi = (${table.spec.phi.join(', ')}), m = ${table.spec.particles}`,
    xLabel: 't',
    yLabel: 'R(t)',
    xLog: true,
    referenceLines: refs,
    legend: 'bottom-left',
    caption: 'Risk of the mean-field flow (theory/10-timescales.md (10.5)-(10.7)); grey lines: plateau heights (10.13). Each Hermite degree is learnt at t_l ~ eps^(1/(2l)).',
  });
}
