/**
 * Progress of a long run on stderr: a cli-progress bar when stderr is a terminal, plain lines at
 * most every `intervalMs` otherwise (logs stay readable), nothing at all when quiet. Never writes
 * to stdout, which carries results only. The one progress helper of the project: sweeps, the
 * reproduction (with sections) and long solves use it.
 *
 * The ETA is measured, not guessed: the rate counts only units computed by this process since it
 * started (units found already done on a resume, `initial` and `skip`, move the count but not the
 * rate), and no ETA is shown before a unit has finished ("estimating").
 */
import cliProgress from 'cli-progress';

export interface ProgressReporter {
  /**
   * `done` units finished out of `total` (including units already done before a resume); `detail`
   * (e.g. the current loss) replaces the text shown beside the count without forcing a line.
   */
  update(done: number, detail?: string): void;
  /** `n` more units computed now. */
  add(n: number): void;
  /** `n` more units found already done (resume): counted, but not in the rate behind the ETA. */
  skip(n: number): void;
  /** Name the part of the run now in progress (shown beside the bar). */
  setSection(name: string): void;
  stop(): void;
}

const SILENT: ProgressReporter = { update() {}, add() {}, skip() {}, setSection() {}, stop() {} };

export function createProgress(opts: {
  total: number;
  /** Units already done when the run started (resume); the ETA counts only the new ones. */
  initial?: number;
  label?: string;
  /** What a unit is ("networks"); without it the count is shown as a percentage only. */
  units?: string;
  quiet?: boolean;
  stream?: NodeJS.WriteStream;
  intervalMs?: number;
}): ProgressReporter {
  const stream = opts.stream ?? process.stderr;
  const total = opts.total;
  const label = opts.label ?? 'sweep';
  const units = opts.units ?? null;
  if (opts.quiet || total === 0) return SILENT;
  const t0 = Date.now();
  let done = opts.initial ?? 0;
  let computed = 0; // units computed by this process: the rate's numerator
  let section = '';
  const eta = (): string => {
    const elapsed = (Date.now() - t0) / 1000;
    if (computed <= 0 || elapsed <= 0) return 'estimating';
    return formatSeconds(Math.max(0, total - done) / (computed / elapsed));
  };
  const count = () => (units ? `${done}/${total} ${units} (${((100 * done) / total).toFixed(1)}%)` : `${((100 * done) / total).toFixed(1)}%`);

  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${label} [{bar}] {count}{section} | elapsed {duration_formatted} | ETA {etaMeasured}`,
        hideCursor: false, // an interrupted run must not leave the cursor hidden
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    const payload = () => ({ count: count(), section: section ? ` | ${section}` : '', etaMeasured: eta() });
    bar.start(total, done, payload());
    const show = () => bar.update(Math.min(done, total), payload());
    return {
      update(d, detail) { computed += Math.max(0, d - done); done = d; if (detail !== undefined) section = detail; show(); },
      add(n) { computed += n; done += n; show(); },
      skip(n) { done += n; show(); },
      setSection(name) { section = name; show(); },
      stop() { show(); bar.stop(); },
    };
  }
  const interval = opts.intervalMs ?? 5000;
  let lastPrint = t0;
  let printed = false;
  const line = () => {
    printed = true;
    lastPrint = Date.now();
    stream.write(`${label}: ${count()}${section ? ` | ${section}` : ''}, elapsed ${formatSeconds((Date.now() - t0) / 1000)}, ETA ${eta()}\n`);
  };
  const maybe = () => { if (Date.now() - lastPrint >= interval) line(); };
  return {
    update(d, detail) { computed += Math.max(0, d - done); done = d; if (detail !== undefined) section = detail; maybe(); },
    add(n) { computed += n; done += n; maybe(); },
    skip(n) { done += n; },
    setSection(name) { section = name; if (Date.now() - t0 >= interval) line(); },
    stop() { if (printed || Date.now() - t0 >= interval) line(); },
  };
}

export function formatSeconds(s: number): string {
  if (s < 59.95) return `${s.toFixed(1)}s`;
  // Round once, then split, so that 779.6 s reads 13m00s (not 12m60s) and 3599.7 s reads 1h00m.
  const sec = Math.round(s);
  if (sec < 3600) return `${Math.floor(sec / 60)}m${(sec % 60).toString().padStart(2, '0')}s`;
  const min = Math.round(s / 60);
  return `${Math.floor(min / 60)}h${(min % 60).toString().padStart(2, '0')}m`;
}
