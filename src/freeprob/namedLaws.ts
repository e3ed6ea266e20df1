/**
 * Named laws for `jesd law --name` (docs/cli.md). A plain table: one entry per name.
 * Options: ratio (MP c = N/M), depth (Fuss-Catalan order L), alpha (heavy-tailed laws), at (grid).
 */
import { InvalidSpecError, requireFinite, requireInteger, requirePositive } from '../errors.ts';
import type { LawReport } from './lawReport.ts';
import { fussCatalanFactor, marchenkoPasturDensity, marchenkoPasturFactor, semicircleDensity, semicircleMoments } from './closedFormLaws.ts';
import { productMoments } from './multiplicative.ts';
import { freeMultiplicativeConvolution } from './spectrum.ts';
import { levyLawReport } from './levy.ts';

export interface NamedLawOptions {
  ratio?: number;
  depth?: number;
  alpha?: number;
  at: number[];
}

function checkGrid(at: number[], positive: boolean): void {
  if (!Array.isArray(at) || at.length === 0) throw new InvalidSpecError('at', 'needs at least one point');
  at.forEach((x, i) => {
    requireFinite(`at[${i}]`, x);
    if (positive && !(x > 0)) throw new InvalidSpecError('at', `points must be > 0 for a law on [0, inf) (atoms are reported separately), got ${x}`);
  });
}

/** Wigner semicircle of variance 1 (theory/01-transforms.md (1.10)). */
function semicircle(opts: NamedLawOptions): LawReport {
  checkGrid(opts.at, false);
  return {
    x: [...opts.at], density: opts.at.map(semicircleDensity), atoms: [], edges: [-2, 2], moments: semicircleMoments(4),
    diagnostics: { converged: true, maxResidual: 0, method: 'closed form' },
  };
}

/** Marchenko-Pastur(c, 1) (theory/01-transforms.md (1.12)). */
function marchenkoPastur(opts: NamedLawOptions): LawReport {
  const c = opts.ratio ?? 1;
  requirePositive('ratio', c);
  checkGrid(opts.at, true);
  const f = marchenkoPasturFactor(c, 1);
  return {
    x: [...opts.at], density: opts.at.map((x) => marchenkoPasturDensity(x, c, 1)), atoms: f.atoms.map((a) => ({ ...a })),
    edges: [(1 - Math.sqrt(c)) ** 2, (1 + Math.sqrt(c)) ** 2], moments: Array.from(productMoments([{ factor: f, power: 1 }], 4)),
    diagnostics: { converged: true, maxResidual: 0, method: 'closed form' },
  };
}

/** Fuss-Catalan of order L: the product of L free MP(1,1) laws, solved (theory/01-transforms.md (1.14)). */
function fussCatalan(opts: NamedLawOptions): LawReport {
  const L = requireInteger('depth', opts.depth ?? 2, 1, 10_000);
  checkGrid(opts.at, true);
  return freeMultiplicativeConvolution([{ factor: fussCatalanFactor(L), power: 1 }], opts.at).report;
}

export const NAMED_LAWS: Record<string, (opts: NamedLawOptions) => LawReport> = {
  semicircle,
  'marchenko-pastur': marchenkoPastur,
  'fuss-catalan': fussCatalan,
  levy: (opts) => levyLawReport('levy', opts),
  'levy-wishart': (opts) => levyLawReport('levy-wishart', opts),
};

/** Look up a named law; unknown names throw InvalidSpecError listing the allowed ones. */
export function namedLaw(name: string): (opts: NamedLawOptions) => LawReport {
  const f = NAMED_LAWS[name];
  if (!f) throw new InvalidSpecError('--name', `must be one of ${Object.keys(NAMED_LAWS).join('|')}, got ${JSON.stringify(name)}`);
  return f;
}
