/**
 * Sizes of `jesd reproduce` (docs/guide.md): `quick` (the default, a few minutes on 2 cores), `paper`
 * (larger sizes, the closest to the study's that stay practical; its exact sizes could not be recovered,
 * docs/study-configuration.md) and `tiny` (a seconds-long run for tests; hidden
 * from --help's main list but accepted).
 *
 * The network configuration itself (activation, biases, scaling, sigma_w) is not here: it comes
 * from the typed `study` configuration (src/spec/presets.ts studySpec, docs/study-configuration.md), so the reproduction
 * and `jesd ... --preset study` always agree.
 */
export const SCALE_NAMES = ['quick', 'paper', 'tiny'] as const;
export type ScaleName = (typeof SCALE_NAMES)[number];

export interface QGrid {
  widths: number[];
  depths: number[];
  /** Networks sampled per grid point. */
  networks: number;
  /** Starts of the multistart fixed-point search per network. */
  starts: number;
}

export interface ReproductionScale {
  name: ScaleName;
  description: string;
  /** Light tails (Gaussian weights): Q(N, L) over a grid of N and L. */
  light: QGrid;
  /** Heavy tails (Cauchy weights): Q(N0, L) over depth for the study's widths. */
  heavy: QGrid;
  /** ESD of J J^T at fixed points, predicted vs sampled. */
  esd: {
    points: { width: number; depth: number; weights: 'gaussian' | 'cauchy' }[];
    networks: number;
    starts: number;
    /** Points of the prediction grid. */
    gridPoints: number;
  };
  /** Basins of attraction of one heavy-tailed network, in 2-D coordinate slices of the input cube. */
  basins: {
    /** Pixels per side of each slice image. */
    resolution: number;
    /** Number of slices (coordinate pairs (0,1), (2,3), ...). */
    slices: number;
    /** Starts of the search that lists the network's fixed points before the images are drawn. */
    starts: number;
  };
  /** Population-dynamics budget of the heavy-tailed theory (Q curve and ESD). */
  theory: { populationSize: number; sweeps: number };
  /** Options passed to the fixed-point search of every unit (besides starts). */
  fixedPointOptions: { maxIterations: number; maxPeriod: number };
}

export const SCALES: Record<ScaleName, ReproductionScale> = {
  quick: {
    name: 'quick',
    description: 'every claim at reduced sizes, about 1-2 minutes on 2 cores',
    light: { widths: [2, 5, 10, 20], depths: [1, 2, 5, 10, 20], networks: 20, starts: 100 },
    heavy: { widths: [10], depths: [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48], networks: 60, starts: 100 },
    esd: {
      points: [
        { width: 40, depth: 2, weights: 'gaussian' },
        { width: 40, depth: 8, weights: 'gaussian' },
        { width: 40, depth: 4, weights: 'cauchy' },
      ],
      networks: 12,
      starts: 30,
      gridPoints: 160,
    },
    basins: { resolution: 64, slices: 2, starts: 400 },
    theory: { populationSize: 800, sweeps: 40 },
    fixedPointOptions: { maxIterations: 2000, maxPeriod: 8 },
  },
  paper: {
    name: 'paper',
    description: 'larger sizes, about 110 CPU-minutes: 1-1.5 hours on 2 cores, or 19 minutes per machine with --shard K/6 (docs/reproduction-paper/README.md)',
    light: { widths: [2, 5, 10, 20, 50], depths: [1, 2, 5, 10, 20, 50], networks: 100, starts: 200 },
    heavy: { widths: [10, 20], depths: [1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 64, 80, 100], networks: 500, starts: 200 },
    esd: {
      points: [
        { width: 100, depth: 2, weights: 'gaussian' },
        { width: 100, depth: 8, weights: 'gaussian' },
        { width: 100, depth: 32, weights: 'gaussian' },
        { width: 100, depth: 2, weights: 'cauchy' },
        { width: 100, depth: 8, weights: 'cauchy' },
      ],
      networks: 50,
      starts: 100,
      gridPoints: 400,
    },
    basins: { resolution: 200, slices: 3, starts: 4000 },
    theory: { populationSize: 3000, sweeps: 80 },
    fixedPointOptions: { maxIterations: 3000, maxPeriod: 8 },
  },
  tiny: {
    name: 'tiny',
    description: 'seconds-long run for tests: every section, very small sizes',
    light: { widths: [2, 4], depths: [1, 3], networks: 4, starts: 20 },
    heavy: { widths: [6], depths: [1, 3, 6, 12], networks: 8, starts: 30 },
    esd: { points: [{ width: 12, depth: 2, weights: 'gaussian' }, { width: 12, depth: 3, weights: 'cauchy' }], networks: 3, starts: 10, gridPoints: 60 },
    basins: { resolution: 12, slices: 1, starts: 60 },
    theory: { populationSize: 150, sweeps: 16 },
    fixedPointOptions: { maxIterations: 1000, maxPeriod: 4 },
  },
};
