/**
 * `jesd timescales --sigma S0,S1,.. --phi P0,P1,.. --eps E1,E2,.. [--particles M]`: the learning
 * time-scales of a two-layer network with a fast second layer (arXiv 2303.00055;
 * theory/10-timescales.md, src/timescales/): R(t), the Hermite residuals r_k(t), the time t_l at
 * which each degree is learnt, the plateau heights, the exponents of t_l against eps and the
 * eigenvalues of the fast Jacobian.
 */
import type { Command } from 'commander';
import { InvalidSpecError } from '../../errors.ts';
import { getActivation } from '../../laws/activations.ts';
import { createProgress } from '../../montecarlo/progress.ts';
import { ACTIVATIONS, type ActivationName } from '../../spec/networkSpec.ts';
import { svgToPng } from '../../plot/svg.ts';
import { INITS, validateFlowSpec, type FlowSpec } from '../../timescales/flow.ts';
import { ACTIVATION_KINKS, hermiteCoefficients } from '../../timescales/hermite.ts';
import { predictedPlateaus, timescaleTable, timescalesFigure } from '../../timescales/table.ts';
import { parseChoice, parseInteger, parseNumber, parseNumberList } from '../flags.ts';
import { checkOutputPath, FlagError, printJson, writeOutputFile } from '../io.ts';

interface TimescalesFlags {
  sigma?: string; phi?: string; activation?: string; target?: string; degree?: string; eps?: string; particles?: string;
  init?: string; tEnd?: string; rtol?: string; samplesPerDecade?: string; plot?: string; json?: boolean; quiet?: boolean;
}

/** Hermite coefficients from a list flag or an activation-name flag (exactly one of the two). */
function coefficients(listFlag: string, list: string | undefined, nameFlag: string, name: string | undefined): number[] | { name: ActivationName } {
  if (list !== undefined && name !== undefined) throw new FlagError(listFlag, `give either ${listFlag} or ${nameFlag}, not both`);
  if (list !== undefined) return parseNumberList(listFlag, list);
  if (name !== undefined) return { name: parseChoice(nameFlag, name, ACTIVATIONS) };
  throw new FlagError(listFlag, `is required (or ${nameFlag} NAME)`);
}

const fmt = (v: number | null) => (v === null ? 'not learnt' : v.toExponential(4));

export function register(program: Command): void {
  program
    .command('timescales')
    .description('learning time-scales of a two-layer network with a fast second layer (Berthier-Montanari-Zhou): integrates the d -> infinity mean-field gradient flow of the single-index model for each eps and reports R(t), the Hermite residuals r_k(t), the time t_l each Hermite degree is learnt, the plateau heights, the exponents of t_l against eps, and the eigenvalues of the fast (second-layer) Jacobian')
    .option('--sigma <list>', 'normalised Hermite coefficients sigma_0,sigma_1,... of the activation (or --activation)')
    .option('--phi <list>', 'normalised Hermite coefficients phi_0,phi_1,... of the target; phi_1 must be nonzero (or --target)')
    .option('--activation <name>', `activation whose Hermite coefficients up to --degree are computed by Gauss-Hermite quadrature: ${ACTIVATIONS.join('|')}`)
    .option('--target <name>', `target function, as --activation: ${ACTIVATIONS.join('|')}`)
    .option('--degree <D>', 'highest Hermite degree kept (default: the longer list minus one, or 2 with names); shorter lists are padded with zeros')
    .option('--eps <list>', 'relative step sizes eps of the first layer over the second (> 0), e.g. 1e-6,1e-8,1e-10')
    .option('--particles <M>', 'number of particles (hidden units) m (default 200)')
    .option('--init <law>', `second-layer weights at t = 0: ${INITS.join('|')} (default quantiles: a_i = Phi^-1((i - 1/2)/m), a deterministic N(0,1) sample)`)
    .option('--t-end <T>', 'end time (default 1)')
    .option('--rtol <r>', 'relative local error tolerance of the integrator (default 1e-5)')
    .option('--samples-per-decade <n>', 'output samples of R(t), r_k(t) per decade of t (default 20)')
    .option('--plot <FILE>', 'write the figure of R(t) with the predicted plateaus (.svg, or .png)')
    .option('--quiet', 'no progress lines on stderr')
    .option('--json', 'print one JSON document on stdout')
    .action((raw: TimescalesFlags) => {
      const degree = raw.degree !== undefined ? parseInteger('--degree', raw.degree, 1, 30) : null;
      const sig = coefficients('--sigma', raw.sigma, '--activation', raw.activation);
      const phi = coefficients('--phi', raw.phi, '--target', raw.target);
      const lens = [sig, phi].filter((c): c is number[] => Array.isArray(c)).map((c) => c.length);
      const K = degree !== null ? degree + 1 : lens.length > 0 ? Math.max(...lens) : 3;
      const resolve = (flag: string, c: number[] | { name: ActivationName }): number[] => {
        if (!Array.isArray(c)) {
          // Quadrature leaves ~1e-17 where a coefficient is 0 by symmetry (tanh's even degrees): that
          // is no component to learn, so it is set to 0 (the exact coefficients here are O(0.01) or 0).
          return hermiteCoefficients(getActivation(c.name).phi, K - 1, { kinks: ACTIVATION_KINKS[c.name] }).map((v) => (Math.abs(v) < 1e-12 ? 0 : v));
        }
        if (c.length > K) throw new FlagError(flag, `has ${c.length} coefficients but --degree ${K - 1} keeps ${K}`);
        return [...c, ...new Array<number>(K - c.length).fill(0)];
      };
      const spec: FlowSpec = {
        sigma: resolve('--sigma', sig),
        phi: resolve('--phi', phi),
        particles: parseInteger('--particles', raw.particles ?? '200', 1, 100_000),
        init: parseChoice('--init', raw.init ?? 'quantiles', INITS),
      };
      if (raw.eps === undefined) throw new FlagError('--eps', 'is required, e.g. --eps 1e-6,1e-8');
      const epsList = parseNumberList('--eps', raw.eps);
      for (const e of epsList) if (!(e > 0)) throw new FlagError('--eps', `must be > 0, got ${e}`);
      if (new Set(epsList).size !== epsList.length) throw new FlagError('--eps', 'values must be distinct');
      const tEnd = parseNumber('--t-end', raw.tEnd ?? '1');
      if (!(tEnd > 0)) throw new FlagError('--t-end', `must be > 0, got ${tEnd}`);
      const rtol = parseNumber('--rtol', raw.rtol ?? '1e-5');
      if (!(rtol >= 1e-12 && rtol <= 1e-2)) throw new FlagError('--rtol', `must be in [1e-12, 1e-2], got ${rtol}`);
      const samplesPerDecade = parseInteger('--samples-per-decade', raw.samplesPerDecade ?? '20', 1, 1000);
      try {
        validateFlowSpec(spec);
      } catch (err) {
        if (err instanceof InvalidSpecError) {
          const field = err.field.startsWith('sigma') ? (raw.sigma !== undefined ? '--sigma' : '--activation') : err.field.startsWith('phi') ? (raw.phi !== undefined ? '--phi' : '--target') : `--${err.field}`;
          throw new FlagError(field, err.detail);
        }
        throw err;
      }
      if (raw.plot !== undefined) checkOutputPath('--plot', raw.plot);

      const progress = createProgress({ total: 100 * epsList.length, label: 'timescales', quiet: raw.quiet });
      const table = timescaleTable(spec, epsList, { tEnd, rtol, samplesPerDecade }, (j, f) => {
        progress.setSection(`eps ${epsList[j]}`);
        progress.update(100 * j + Math.round(100 * f));
      });
      progress.stop();

      if (raw.plot !== undefined) {
        const svg = timescalesFigure(table);
        if (raw.plot.toLowerCase().endsWith('.png')) {
          try {
            svgToPng(svg, raw.plot);
          } catch (err) {
            writeOutputFile('--plot', raw.plot, ''); // maps the file-system error to one line
            throw err;
          }
        } else writeOutputFile('--plot', raw.plot, svg);
      }
      if (raw.json) {
        printJson({ spec, tEnd, predictedPlateaus: predictedPlateaus(spec), runs: table.runs, exponents: table.exponents });
        return;
      }
      const degrees = table.runs[0]!.times.map((x) => x.degree);
      const L: string[] = [
        `sigma = (${spec.sigma.map((v) => +v.toPrecision(6)).join(', ')}), phi = (${spec.phi.map((v) => +v.toPrecision(6)).join(', ')}), m = ${spec.particles}, init ${spec.init}, t in [0, ${tEnd}]`,
        `t_l: first time with |r_l| < |phi_l|/2`,
        ['eps', ...degrees.map((l) => `t_${l}`), 'plateau heights (predicted)', 'final R', 'steps'].join('\t'),
      ];
      for (const run of table.runs) {
        L.push([
          run.eps.toExponential(1),
          ...run.times.map((x) => fmt(x.t)),
          run.plateaus.map((p) => `${p.height.toFixed(4)} (${p.predicted.toFixed(4)})`).join(', ') || '-',
          run.final.R.toExponential(3),
          String(run.diagnostics.steps),
        ].join('\t'));
      }
      for (const e of table.exponents) L.push(`t_${e.degree} ~ eps^${e.exponent.toFixed(3)} (least squares over ${e.runs} eps; between the two smallest: ${e.localExponent.toFixed(3)}${e.degree > 0 ? `; theory: 1/(2l) = ${(1 / (2 * e.degree)).toFixed(3)} as eps -> 0` : ''})`);
      const last = table.runs[table.runs.length - 1]!;
      const s = last.samples[last.samples.length - 1];
      if (s) L.push(`fast Jacobian eigenvalues at t = ${s.t} (eps ${last.eps}): ${s.fastEigenvalues.map((v) => v.toExponential(3)).join(', ')}`);
      process.stdout.write(L.join('\n') + '\n');
    });
}
