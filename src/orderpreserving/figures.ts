/** Figures of the order-preserving census (theory/11-order-preserving.md section 11.2). */
import { linePlot } from '../plot/svg.ts';
import type { ModeCensus } from './modes.ts';

/** Census per layer as a figure: OPT and dead fractions and the mean active fraction. */
export function censusSvg(census: ModeCensus, title: string): string {
  const x = census.layers.map((l) => l.layer);
  return linePlot([
    { name: 'OPT (active on every sample)', x, y: census.layers.map((l) => l.optFraction), mode: 'both' },
    { name: 'dead (active on none)', x, y: census.layers.map((l) => l.dead / l.width), mode: 'both', marker: 'square' },
    { name: 'mean active fraction', x, y: census.layers.map((l) => l.meanActiveFraction), mode: 'both', dashed: true, marker: 'triangle' },
  ], {
    title, xLabel: 'layer', yLabel: 'fraction of units', yDomain: [0, 1],
    caption: `${census.samples} samples; a unit is active on a sample when phi'(z) >= ${census.delta} sup phi' (theory (11.1)); NPT = not OPT.`,
  });
}

