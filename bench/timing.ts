/**
 * Shared timing helper for bench/*.bench.ts: the best (minimum) wall time of repeated calls, after
 * one warm-up call (JIT, page faults) that also counts as a sample.
 */
export interface BestOfOptions {
  /** Largest number of timed repetitions after the warm-up call. */
  maxReps: number;
  /** Stop repeating once this much time (ms) has been spent, but only after minReps repetitions. */
  budgetMs: number;
  /** Repetitions run regardless of the budget. Default 0. */
  minReps?: number;
  /** Whether the warm-up call's time counts towards budgetMs. Default true. */
  warmupCountsToBudget?: boolean;
  /** If the warm-up call alone takes longer than this (ms), return its time without repeating. Default Infinity. */
  singleRunAboveMs?: number;
}

/** Best wall time in ms of `fn` over a warm-up call and up to `maxReps` repetitions (see BestOfOptions). */
export function bestMs(fn: () => void, opts: BestOfOptions): number {
  const { maxReps, budgetMs, minReps = 0, warmupCountsToBudget = true, singleRunAboveMs = Infinity } = opts;
  let t = performance.now();
  fn();
  const first = performance.now() - t;
  if (first > singleRunAboveMs) return first;
  let best = first;
  let spent = warmupCountsToBudget ? first : 0;
  for (let rep = 0; rep < maxReps && (rep < minReps || spent < budgetMs); rep++) {
    t = performance.now();
    fn();
    const dt = performance.now() - t;
    best = Math.min(best, dt);
    spent += dt;
  }
  return best;
}
