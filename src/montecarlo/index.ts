/** Monte Carlo sweeps: public API (docs/sweeps.md). */
export { runSweep, DEFAULT_UNIT_MODULE, type RunSweepOptions, type SweepResult } from './sweep.ts';
export { summarizeSweep, wilsonInterval, normalQuantile, type BinomialInterval } from './summary.ts';
export { runPool, defaultWorkerCount, type PoolOptions } from './pool.ts';
export { readSweepFile, SWEEP_FORMAT, SWEEP_FORMAT_VERSION, type SweepHeader, type SweepFileContents } from './store.ts';
export {
  sweepUnits, recordKey, validateSweepConfig,
  type SweepConfig, type SweepUnit, type SweepRecord, type SweepSummaryRow, type SweepFixedPointOptions,
} from './records.ts';
export { createProgress, type ProgressReporter } from './progress.ts';
