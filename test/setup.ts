// Global fast-check configuration: a fixed seed so CI is reproducible; fast-check prints the seed
// and the shrunk counterexample on failure. Override with FC_SEED=<int> to explore other seeds.
import fc from 'fast-check';

const seed = Number(process.env.FC_SEED ?? 20261123);
fc.configureGlobal({ seed, numRuns: Number(process.env.FC_NUM_RUNS ?? 50) });
