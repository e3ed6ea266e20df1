/** The figure of `jesd compare`: Monte Carlo Q, attractors and the predictions over depth. */
import type { CompareRow } from '../compare/depths.ts';
import { linePlot } from '../plot/svg.ts';

export function compareSvg(rows: CompareRow[], title: string, caption: string): string {
  const x = rows.map((r) => r.depth);
  return linePlot([
    { name: 'Monte Carlo mean Q (+- 1 s.e.)', x, y: rows.map((r) => r.meanQ), yErr: rows.map((r) => r.stderrQ), mode: 'both' },
    { name: 'Monte Carlo E[Q | Q >= 1] (+- 1 s.e.)', x, y: rows.map((r) => r.meanQGivenPositive), yErr: rows.map((r) => r.stderrQGivenPositive), mode: 'both' },
    { name: 'Monte Carlo attractors (fixed points + cycles)', x, y: rows.map((r) => r.meanAttractors), yErr: rows.map((r) => r.stderrAttractors), mode: 'both' },
    ...(rows.some((r) => r.kacRiceQ !== null)
      ? [{ name: 'Kac-Rice E[# stable fixed points] (theory/06 (6.9)-(6.16), +- 1 s.e.)', x, y: rows.map((r) => r.kacRiceQ ?? NaN), yErr: rows.map((r) => r.kacRiceStderr ?? 0), mode: 'both' as const }]
      : []),
    { name: 'spectral link 1 + N0 p>1 (theory/06 (6.5), a hypothesis)', x, y: rows.map((r) => r.spectralLinkQ), mode: 'line', dashed: true },
  ], { title, xLabel: 'depth L', yLabel: 'stable fixed points / attractors per network', caption, referenceLines: [{ y: 1, label: 'Q = 1' }] });
}

