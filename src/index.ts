/** Public API of jacobian-esd. */
export * from './errors.ts';
export * from './types.ts';
export * from './random/rng.ts';
export * from './network/spec.ts';
export { linalg, setBackend } from './linalg/index.ts';
export * as arbitraries from './arbitraries.ts';
export * from './montecarlo/index.ts';
export * from './laws/activations.ts';
export * from './laws/laws.ts';
export * from './network/network.ts';
export * from './fixedpoints/search.ts';
export * from './spectra/empirical.ts';
