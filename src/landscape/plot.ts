/** Loss-vs-step figure of a landscape run (log-scale step axis), with the plateau levels marked. */
import { linePlot, renderSvg, type ReferenceLine, type Series } from '../plot/svg.ts';
import type { LandscapeRunResult } from './run.ts';

export function landscapeSvg(res: LandscapeRunResult, title: string): string {
  const pts = res.records.filter((r) => r.step > 0);
  const series: Series[] = [{ name: 'loss', x: pts.map((r) => r.step), y: pts.map((r) => r.loss) }];
  if (res.embedding && res.embedding.records.length) {
    const e = res.embedding.records;
    series.push({ name: 'after zero-neuron embedding', x: e.map((r) => r.step), y: e.map((r) => r.loss), dashed: true });
  }
  const refs: ReferenceLine[] = res.plateaus.map((p, j) => ({ y: p.loss, label: `plateau ${j + 1}: ${p.loss.toPrecision(6)} (${p.classification}), ends at step ${p.endStep}` }));
  refs.push({ y: res.finalLoss, label: `end: ${res.finalLoss.toPrecision(9)} (${res.classification})`, color: '#D55E00' });
  return linePlot(series, {
    title, xLabel: 'GD step', yLabel: 'loss L', xLog: true, referenceLines: refs, legend: 'bottom-left',
    caption: 'Full-batch gradient descent from a small initialisation; dashed lines: plateau levels and the end point, with their classification (theory/09-landscape.md).',
  });
}

/** The figure as SVG text or PNG bytes, chosen by the file name. */
export function landscapeFigure(res: LandscapeRunResult, title: string, path: string): string | Uint8Array {
  const svg = landscapeSvg(res, title);
  return /\.png$/i.test(path) ? renderSvg(svg).png : svg;
}
