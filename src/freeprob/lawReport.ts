/**
 * The common output of `jesd law` and `jesd solve` (docs/cli.md): a law evaluated on a grid.
 * Every numeric field is finite; a grid point whose solve did not converge is never reported as a
 * number (the solver throws, or the point is listed in `diagnostics.failedAt`).
 */
export interface LawReport {
  x: number[];
  density: number[];
  atoms: { at: number; mass: number }[];
  /** Support edges [lo, hi], or null when the support is unbounded (heavy tails). */
  edges: [number, number] | null;
  /** Moments m_1, m_2, ... (empty where they diverge; an entry beyond double precision is null). */
  moments: (number | null)[];
  diagnostics: {
    converged: boolean;
    maxResidual: number;
    iterations?: number;
    /** Grid points where the solve failed (a command that has any throws NonConvergenceError, exit 3). */
    failedAt?: number[];
    [extra: string]: unknown;
  };
}
