/**
 * Progress of a long run on stderr: a cli-progress bar with ETA when stderr is a terminal, plain
 * lines at most every `intervalMs` otherwise (logs stay readable), nothing at all when quiet.
 * Never writes to stdout, which carries results only.
 */
import cliProgress from 'cli-progress';

export interface ProgressReporter {
  /** `done` units finished out of `total` (including units already done before a resume). */
  update(done: number): void;
  stop(): void;
}

export function createProgress(opts: {
  total: number;
  /** Units already done when the run started (resume); the ETA counts only the new ones. */
  initial?: number;
  label?: string;
  quiet?: boolean;
  stream?: NodeJS.WriteStream;
  intervalMs?: number;
}): ProgressReporter {
  const stream = opts.stream ?? process.stderr;
  const total = opts.total;
  const initial = opts.initial ?? 0;
  const label = opts.label ?? 'sweep';
  if (opts.quiet || total === 0) return { update() {}, stop() {} };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${label} [{bar}] {value}/{total} networks | {percentage}% | elapsed {duration_formatted} | ETA {eta_formatted}`,
        etaBuffer: 50,
        hideCursor: false, // an interrupted run must not leave the cursor hidden
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, initial);
    return {
      update: (done) => bar.update(done),
      stop: () => bar.stop(),
    };
  }
  const interval = opts.intervalMs ?? 5000;
  const t0 = Date.now();
  let lastPrint = t0;
  let last = initial;
  const line = (done: number) => {
    const elapsed = (Date.now() - t0) / 1000;
    const rate = (done - initial) / Math.max(elapsed, 1e-9);
    const eta = rate > 0 ? (total - done) / rate : NaN;
    const etaText = Number.isFinite(eta) ? `${formatSeconds(eta)}` : 'unknown';
    stream.write(`${label}: ${done}/${total} networks (${((100 * done) / total).toFixed(1)}%), elapsed ${formatSeconds(elapsed)}, ETA ${etaText}\n`);
  };
  return {
    update(done) {
      last = done;
      const now = Date.now();
      if (now - lastPrint >= interval) {
        lastPrint = now;
        line(done);
      }
    },
    stop() {
      if (last > initial || Date.now() - t0 >= interval) line(last);
    },
  };
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${Math.round(s - 60 * m).toString().padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h${(m - 60 * h).toString().padStart(2, '0')}m`;
}
