/**
 * `jesd landscape`: gradient descent on a one-hidden-layer ReLU-like network (arXiv 2402.05626),
 * the loss plateaus with the step where each ends, and the classification of each plateau and of
 * the end point (local-min | saddle | undecided) by the stationarity and escape-neuron tests of
 * src/landscape/ (theory/09-landscape.md).
 */
import type { Command } from 'commander';
import { FlagError, checkOutputPath, printJson, writeOutputFile } from '../io.ts';
import { parseInteger, parseNumber } from '../flags.ts';
import { createProgress, type ProgressReporter } from '../../montecarlo/progress.ts';
import { BUILTIN_NAMES, loadLandscapeData, validateSlopes } from '../../landscape/model.ts';
import { runLandscape } from '../../landscape/run.ts';
import { landscapeFigure } from '../../landscape/plot.ts';

interface RawFlags {
  data?: string; width?: string; initScale?: string; lr?: string; steps?: string; seed?: string;
  alphaPos?: string; alphaNeg?: string; tol?: string; flatTol?: string; plateauTol?: string; draws?: string;
  embedZeroNeuron?: boolean; continueSteps?: string; plot?: string; json?: boolean; quiet?: boolean;
}

export function register(program: Command): void {
  program
    .command('landscape')
    .description('train f(x) = sum_i h_i rho(w_i . x) (ReLU-like rho) by full-batch gradient descent from a small initialisation; print the loss plateaus with the step where each ends and classify each plateau and the end point as local-min, saddle (escape neuron, sector, descent direction) or undecided (vector output: escape neurons present; perturbation test reported)')
    .option('--data <name|FILE>', `${BUILTIN_NAMES.join('|')} or a JSON file {"inputs": rows, "targets": rows} (default wu-5point)`)
    .option('--width <R>', 'hidden width r (default: the data set\'s, 50)')
    .option('--init-scale <S>', 'every initial weight is S times N(0, 1) (default: the paper\'s, e.g. 50^-3 for wu-5point)')
    .option('--lr <eta>', 'learning rate (default: the paper\'s, 1e-3 or 2e-3)')
    .option('--steps <T>', 'gradient-descent steps (default: the paper\'s, 6e5 for wu-5point)')
    .option('--seed <S>', 'seed of the initial weights and the perturbation test (default 0)')
    .option('--alpha-pos <a>', 'slope of rho for z >= 0 (default 1)')
    .option('--alpha-neg <a>', 'slope of rho for z < 0 (default 0: ReLU)')
    .option('--tol <t>', 'stationarity tolerance on the derivatives at the end point (default 1e-6)')
    .option('--plateau-tol <t>', 'stationarity tolerance at the plateau points (default 1e-5)')
    .option('--flat-tol <f>', 'a plateau is where the loss falls by less than f (relative) per 1% of the run (default 1e-4; sloped plateaus such as wu-7point\'s need about 2e-3)')
    .option('--draws <n>', 'draws of the perturbation test (default 5000; 0 = none)')
    .option('--embed-zero-neuron', 'add a zero neuron (w = 0, h = 0) to the end point, classify it, and continue descent from it')
    .option('--continue-steps <T2>', 'with --embed-zero-neuron: steps of the continued descent (default: --steps)')
    .option('--plot <FILE.svg|FILE.png>', 'write the loss-vs-step figure (log step axis)')
    .option('--quiet', 'no progress on stderr')
    .option('--json', 'print one JSON document on stdout')
    .action((raw: RawFlags) => {
      const dataName = raw.data ?? 'wu-5point';
      const data = loadLandscapeData(dataName, '--data');
      const def = data.defaults ?? { width: 50, initScale: 1e-3, lr: 1e-3, steps: 100_000 };
      if (raw.plot !== undefined) checkOutputPath('--plot', raw.plot);
      if (raw.continueSteps !== undefined && !raw.embedZeroNeuron) throw new FlagError('--continue-steps', 'applies only with --embed-zero-neuron');
      const alphaPos = parseNumber('--alpha-pos', raw.alphaPos ?? '1');
      const alphaNeg = parseNumber('--alpha-neg', raw.alphaNeg ?? '0');
      validateSlopes(alphaPos, alphaNeg);
      const steps = parseInteger('--steps', raw.steps ?? String(def.steps), 1, 1e9);
      const continueSteps = raw.embedZeroNeuron ? parseInteger('--continue-steps', raw.continueSteps ?? String(steps), 0, 1e9) : 0;
      const positive = (flag: string, v: string) => {
        const x = parseNumber(flag, v);
        if (!(x > 0)) throw new FlagError(flag, `must be > 0, got ${v}`);
        return x;
      };
      let progress: ProgressReporter | null = null;
      const total = steps + continueSteps;
      const res = runLandscape(data, {
        width: parseInteger('--width', raw.width ?? String(def.width), 1, 10_000),
        initScale: positive('--init-scale', raw.initScale ?? String(def.initScale)),
        lr: positive('--lr', raw.lr ?? String(def.lr)),
        steps,
        seed: parseInteger('--seed', raw.seed ?? '0', 0),
        alphaPos, alphaNeg,
        tol: positive('--tol', raw.tol ?? '1e-6'),
        plateauTol: positive('--plateau-tol', raw.plateauTol ?? '1e-5'),
        flatTol: raw.flatTol !== undefined ? parseNumber('--flat-tol', raw.flatTol) : undefined,
        draws: parseInteger('--draws', raw.draws ?? '5000', 0, 1e7),
        embedZeroNeuron: raw.embedZeroNeuron === true,
        continueSteps,
        onRecord: (s, l) => {
          progress ??= createProgress({ total, label: 'landscape', units: 'steps', quiet: raw.quiet === true || total < 20_000 });
          progress.update(s, `loss ${l.toExponential(6)}`);
        },
      });
      (progress as ProgressReporter | null)?.stop();
      if (raw.plot !== undefined) writeOutputFile('--plot', raw.plot, landscapeFigure(res, `jesd landscape --data ${dataName}`, raw.plot));
      const e = res.endPoint;
      const doc = {
        data: dataName,
        finalLoss: res.finalLoss,
        plateaus: res.plateaus,
        classification: res.classification,
        endPoint: {
          reason: e.reason, stationary: e.stationary, tol: e.tol, escapeTol: e.escapeTol, residuals: e.residuals,
          gdFixedPointResidual: e.gdFixedPointResidual, escapeNeurons: e.escapeNeurons, perturbation: e.perturbation,
        },
        ...(res.embedding ? {
          embedding: {
            classification: res.embedding.classification.classification,
            reason: res.embedding.classification.reason,
            escapeNeurons: res.embedding.classification.escapeNeurons,
            continueSteps: res.embedding.continueSteps,
            continuedLoss: res.embedding.continuedLoss,
          },
        } : {}),
      };
      if (raw.json) { printJson(doc); return; }
      const out: string[] = [`final loss ${res.finalLoss.toPrecision(10)} after ${steps} steps: ${res.classification} (${e.reason})`];
      res.plateaus.forEach((p, j) => out.push(`plateau ${j + 1}: loss ${p.loss.toPrecision(7)}, steps ${p.startStep}-${p.endStep}: ${p.classification}${p.gdMultiplier !== null ? `, GD-map multiplier ${p.gdMultiplier.toPrecision(8)}` : ''} (${p.reason})`));
      if (res.embedding) {
        const c = res.embedding.classification;
        out.push(`after a zero-neuron embedding: ${c.classification} (${c.reason})${res.embedding.continuedLoss !== null ? `; loss after ${res.embedding.continueSteps} more steps ${res.embedding.continuedLoss.toPrecision(10)}` : ''}`);
      }
      process.stdout.write(out.join('\n') + '\n');
    });
}
