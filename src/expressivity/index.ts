/** Allocation expressivity of learnable subsets (theory/12-allocation.md, docs/allocation.md). */
export * from './allocation.ts';
export * from './masks.ts';
export * from './matching.ts';
export * from './analyze.ts';
