/**
 * Training progress on stderr: a cli-progress bar with the current loss and ETA when stderr is a
 * terminal, plain lines at most every `intervalMs` otherwise, nothing when quiet. Never stdout.
 */
import cliProgress from 'cli-progress';

export interface TrainProgress {
  update(step: number, loss: number): void;
  stop(): void;
}

export function createTrainProgress(opts: { total: number; initial: number; quiet?: boolean; intervalMs?: number; stream?: NodeJS.WriteStream }): TrainProgress {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet || opts.total === 0) return { update() {}, stop() {} };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar({
      stream, format: 'train [{bar}] {value}/{total} steps | loss {loss} | ETA {eta_formatted}', etaBuffer: 200, hideCursor: false, clearOnComplete: false,
    }, cliProgress.Presets.shades_classic);
    bar.start(opts.total, opts.initial, { loss: '-' });
    return { update: (s, l) => bar.update(s, { loss: l.toExponential(4) }), stop: () => bar.stop() };
  }
  const interval = opts.intervalMs ?? 5000;
  const t0 = Date.now();
  let last = t0;
  return {
    update(step, loss) {
      const now = Date.now();
      if (now - last < interval && step < opts.total) return;
      last = now;
      const rate = (step - opts.initial) / Math.max((now - t0) / 1000, 1e-9);
      const eta = rate > 0 ? `${Math.round((opts.total - step) / rate)} s` : 'unknown';
      stream.write(`train: step ${step}/${opts.total}, loss ${loss.toExponential(4)}, ETA ${eta}\n`);
    },
    stop() {},
  };
}
