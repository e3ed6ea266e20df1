/** Monte Carlo sweeps: public API (docs/sweeps.md). */
export { runSweep, DEFAULT_UNIT_MODULE, type RunSweepOptions, type SweepResult } from './sweep.ts';
export { summarizeSweep } from './summary.ts';
export { meanAndSd, wilsonInterval, normalQuantile, type BinomialInterval } from '../numerics/stats.ts';
export { runPool, defaultWorkerCount, WORKER_START_MS, type PoolOptions } from './pool.ts';
export { readSweepFile, SWEEP_FORMAT, SWEEP_FORMAT_VERSION, type SweepHeader, type SweepFileContents } from './store.ts';
export {
  sweepUnits, shardUnits, shardOf, recordKey, validateSweepConfig,
  type SweepConfig, type SweepUnit, type SweepRecord, type SweepSummaryRow, type SweepFixedPointOptions, type SweepShard,
} from './records.ts';
export { mergeSweepShards, type MergeResult } from './merge.ts';
export { createProgress, type ProgressReporter } from './progress.ts';
export { acquireLock, withLock, lockPathFor, type OutputLock, type AcquireLockOptions } from './lock.ts';
export { openJsonlStore, readJsonlStore, runChecksum, recordChecksum, type JsonlStore, type JsonlStoreMeta } from './jsonlStore.ts';
