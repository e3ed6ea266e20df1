/**
 * `jesd train`: train one layered network (src/training/train.ts; theory/07-training.md) and save
 * it as a network file that `fixed-points`, `spectrum` and other commands read with --network FILE.
 */
import type { Command } from 'commander';
import { ACTIVATIONS, BIAS_LAWS, SCALINGS, WEIGHT_LAWS, type ActivationName, type LawSpec, type Scaling, type WeightLawName } from '../../spec/networkSpec.ts';
import { datasetNames, getDataset } from '../../training/data.ts';
// The image data sets (mnist) register themselves in the data registry when this module loads.
import '../../training/images.ts';
import { createProgress, type ProgressReporter } from '../../montecarlo/progress.ts';
import { DEFAULT_TRAIN, OPTIMIZERS, train, type OptimizerName } from '../../training/train.ts';
import { parseChoice, parseInteger, parseNumber, parseNumberList } from '../flags.ts';
import { FlagError, printJson } from '../io.ts';

interface RawTrainFlags {
  width?: string; widths?: string; depth?: string; activation?: string; outputActivation?: string;
  weights?: string; alpha?: string; sigmaW?: string; bias?: string; sigmaB?: string; scaling?: string; seed?: string;
  data?: string; patterns?: string; lo?: string; hi?: string; dataFile?: string; dataSeed?: string;
  optimizer?: string; lr?: string; batch?: string; momentum?: string; steps?: string; weightDecay?: string;
  logEvery?: string; checkpointEvery?: string; out?: string; resume?: boolean; json?: boolean; quiet?: boolean;
}

export function register(program: Command): void {
  program
    .command('train')
    .description('train one layered network x_{l+1} = phi(W_l x_l + b_l) by backpropagation (autoencoder MSE, or supervised pairs from a data file) with gd, minibatch sgd or adam, and save it as a network file; checkpoints every K steps, --resume continues bit-identically')
    .option('--width <N>', 'width of every layer (N -> N network); or give --widths')
    .option('--widths <d0,...,dL>', 'layer widths d0,d1,...,dL (may differ; overrides --width and --depth)')
    .option('--depth <L>', 'depth L with --width (default 2)')
    .option('--activation <name>', `${ACTIVATIONS.join('|')} (default sigmoid)`)
    .option('--output-activation <name>', 'activation of the last layer (default: --activation)')
    .option('--weights <law>', `initial weight law ${WEIGHT_LAWS.join('|')} (default gaussian)`)
    .option('--alpha <A>', 'tail index: stable (0,2], pareto > 0; student degrees of freedom')
    .option('--sigma-w <S>', 'weight scale sigma_w > 0 (default 4)')
    .option('--bias <law>', `initial bias law ${BIAS_LAWS.join('|')} (default none: biases start at 0)`)
    .option('--sigma-b <S>', 'bias scale sigma_b > 0 (default 1)')
    .option('--scaling <s>', `${SCALINGS.join('|')}: natural = sigma_w / sqrt(fan-in) (finite variance) or sigma_w / a_fan-in, raw = sigma_w (default natural)`)
    .option('--seed <S>', 'root seed of the initial weights, the minibatch order and (unless --data-seed) the patterns (default 1)')
    .option('--data <name>', `training data: ${datasetNames().join('|')} (default patterns)`)
    .option('--patterns <P>', 'with --data patterns: number of random patterns in {lo,hi}^N (default 10)')
    .option('--lo <a>', 'with --data patterns: low level (default 0.1)')
    .option('--hi <b>', 'with --data patterns: high level (default 0.9)')
    .option('--data-file <FILE>', 'with --data file: JSON array of rows, JSON {"inputs": rows, "targets": rows} (supervised pairs), or CSV')
    .option('--data-seed <S>', 'seed of the random patterns (default --seed)')
    .option('--optimizer <name>', `${OPTIMIZERS.join('|')} (default adam)`)
    .option('--lr <eta>', 'learning rate (default 0.01)')
    .option('--batch <B>', 'minibatch size for sgd (default 0 = full batch)')
    .option('--momentum <mu>', 'heavy-ball momentum in [0, 1) for gd and sgd (default 0)')
    .option('--steps <T>', 'optimiser steps (default 3000)')
    .option('--weight-decay <lambda>', 'ridge penalty (lambda / d_L) sum_l ||W_l||_F^2 added to the mean squared error (default 0)')
    .option('--log-every <k>', 'record the loss every k steps in the network file (default 10)')
    .option('--checkpoint-every <K>', 'write the training state to FILE.ckpt.json every K steps (default 500; 0 = never)')
    .option('--out <FILE>', 'network file to write (required)')
    .option('--resume', 'continue from FILE.ckpt.json when it exists (same flags required)')
    .option('--quiet', 'no progress on stderr')
    .option('--json', 'print one JSON document on stdout (final loss, steps, file)')
    .action((raw: RawTrainFlags) => {
      if (raw.out === undefined) throw new FlagError('--out', 'is required (the network file to write)');
      const activation = parseChoice('--activation', raw.activation ?? 'sigmoid', ACTIVATIONS) as ActivationName;
      const outputActivation = parseChoice('--output-activation', raw.outputActivation ?? activation, ACTIVATIONS) as ActivationName;
      let widths: number[];
      if (raw.widths !== undefined) {
        if (raw.width !== undefined || raw.depth !== undefined) throw new FlagError('--widths', 'replaces --width and --depth; give one or the other');
        widths = parseNumberList('--widths', raw.widths).map((w) => {
          if (!Number.isInteger(w) || w < 1 || w > 1_000_000) throw new FlagError('--widths', `entries must be integers in [1, 1000000], got ${w}`);
          return w;
        });
        if (widths.length < 2) throw new FlagError('--widths', 'needs at least two entries d0,d1');
      } else {
        if (raw.width === undefined) throw new FlagError('--width', 'is required (or give --widths)');
        const N = parseInteger('--width', raw.width, 1, 1_000_000);
        const L = parseInteger('--depth', raw.depth ?? '2', 1, 100_000);
        widths = Array.from({ length: L + 1 }, () => N);
      }
      const lawName = parseChoice('--weights', raw.weights ?? 'gaussian', WEIGHT_LAWS) as WeightLawName;
      const alpha = raw.alpha !== undefined ? parseNumber('--alpha', raw.alpha) : undefined;
      const sigmaW = parseNumber('--sigma-w', raw.sigmaW ?? '4');
      const weights: LawSpec = { name: lawName, scale: sigmaW, ...(alpha !== undefined ? { alpha } : {}) };
      const biasName = parseChoice('--bias', raw.bias ?? 'none', BIAS_LAWS);
      const sigmaB = parseNumber('--sigma-b', raw.sigmaB ?? '1');
      const bias: LawSpec | null = biasName === 'none' ? null : { name: biasName, scale: sigmaB, ...(biasName === 'stable' ? { alpha: alpha ?? 2 } : {}) };
      const scaling = parseChoice('--scaling', raw.scaling ?? 'natural', SCALINGS) as Scaling;
      const seed = parseInteger('--seed', raw.seed ?? '1', 0);
      const dataName = raw.data ?? 'patterns';
      const ds = getDataset(dataName, {
        patterns: raw.patterns !== undefined ? parseInteger('--patterns', raw.patterns, 1, 10_000_000) : undefined,
        dim: widths[0],
        lo: raw.lo !== undefined ? parseNumber('--lo', raw.lo) : undefined,
        hi: raw.hi !== undefined ? parseNumber('--hi', raw.hi) : undefined,
        seed: raw.dataSeed !== undefined ? parseInteger('--data-seed', raw.dataSeed, 0) : seed,
        file: raw.dataFile,
      });
      const optimizer = parseChoice('--optimizer', raw.optimizer ?? 'adam', OPTIMIZERS) as OptimizerName;
      const config = {
        ...DEFAULT_TRAIN,
        optimizer,
        lr: parseNumber('--lr', raw.lr ?? '0.01'),
        batch: parseInteger('--batch', raw.batch ?? '0', 0, 1e9),
        momentum: parseNumber('--momentum', raw.momentum ?? '0'),
        steps: parseInteger('--steps', raw.steps ?? '3000', 0, 1e12),
        weightDecay: parseNumber('--weight-decay', raw.weightDecay ?? '0'),
        logEvery: parseInteger('--log-every', raw.logEvery ?? '10', 1, 1e12),
        seed,
      };
      const checkpointEvery = parseInteger('--checkpoint-every', raw.checkpointEvery ?? '500', 0, 1e12);
      let progress: ProgressReporter | null = null;
      const res = train({
        init: { widths, activation, outputActivation, weights, bias, scaling, seed },
        config, inputs: ds.inputs, targets: ds.targets, out: raw.out, checkpointEvery, resume: raw.resume === true,
        extra: { data: ds.description },
        onStep: (s, l) => {
          progress ??= createProgress({ total: config.steps, initial: s - 1, label: 'train', units: 'steps', quiet: raw.quiet === true });
          progress.update(s, `loss ${l.toExponential(4)}`);
        },
      });
      (progress as ProgressReporter | null)?.stop();
      const doc = { finalLoss: res.finalLoss, steps: res.steps, resumedFrom: res.resumedFrom, file: raw.out, widths, activations: res.net.activations, optimizer, lr: config.lr, patterns: ds.inputs.rows };
      if (raw.json) {
        printJson(doc);
        return;
      }
      process.stdout.write(`trained [${widths.join(', ')}] ${activation}${outputActivation !== activation ? `/${outputActivation}` : ''} on ${ds.inputs.rows} ${dataName} rows: ${optimizer} lr ${config.lr}, ${res.steps} steps${res.resumedFrom > 0 ? ` (resumed at ${res.resumedFrom})` : ''}; final loss ${res.finalLoss.toExponential(6)}; written to ${raw.out}\n`);
    });
}
