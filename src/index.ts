/** Public API of jacobian-esd. */
export * from './errors.ts';
export * from './types.ts';
export * from './random/rng.ts';
export * from './network/spec.ts';
export { linalg, setBackend } from './linalg/index.ts';
export * as arbitraries from './arbitraries.ts';
export * from './montecarlo/index.ts';
