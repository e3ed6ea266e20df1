/** Public API of jacobian-esd. */
export * from './errors.ts';
export * from './types.ts';
export * from './random/rng.ts';
export * from './network/spec.ts';
export { linalg, setBackend, spectralRadius, availableBackends, backendByName, BACKEND_NAMES, type BackendName, type LinalgBackend, type ComplexEigenvalues, type SpectralRadiusOptions, type SpectralRadiusDiagnostics } from './linalg/index.ts';
export * as arbitraries from './arbitraries.ts';
export * from './montecarlo/index.ts';
export * from './laws/activations.ts';
export * from './laws/laws.ts';
export * from './network/network.ts';
export * from './fixedpoints/search.ts';
export {
  newtonAllFixedPoints, solvePreactEquation, evalPreact, preactDerivative, fixedPointJacobian, jacobianSpectrumSummary,
  type AllFixedPoint, type NewtonAllOptions, type NewtonAllResult,
} from './fixedpoints/newtonAll.ts';
export {
  kacRice, kacRiceNetwork, summarizeKacRice, meanStderr, KISH_ESS_MIN, PROPOSALS,
  type KacRiceOptions, type KacRiceResult, type NetworkKacRice, type CountEstimate, type Proposal,
} from './counting/kacRice.ts';
export { countByMultistart, type MultistartCountOptions, type MultistartCountResult } from './counting/multistart.ts';
export * from './spectra/empirical.ts';
export {
  levyMatrixDensity, levyWishartDensity, levyScaledWishartDensity, levyDensityAtZero, levyLawReport, levyScaling,
  stableTailConstant, scaledWishartAtomAtZero, coarsenMeasure, LEVY_ALPHA_RANGE,
  type QuadratureMeasure, type LevySolveOptions, type LevyDiagnostics,
} from './freeprob/levy.ts';
export {
  stableLengthMap, stableScaleFixedPoint, stableD2Law, stableExpectation, stableActivationMoment, preactivationFactor,
  type StableConvention, type StableMeanFieldSpec, type StableFixedPointDiagnostics,
} from './meanfield/stable.ts';
export { stableDensity, stableCdf, stableDensityAtZero } from './meanfield/stable-density.ts';
export type { LawReport } from './freeprob/lawReport.ts';
export * as freeprob from './freeprob/light-api.ts';
export {
  lengthMap, lengthMapSlope, lengthFixedPoint, lengthTrajectory, susceptibility, derivativeSquaredLaw, derivativeSquaredMoment,
  criticalParameters, secondMoment, meanFieldActivation, type DerivativeSquaredLaw, type MeanFieldActivation,
} from './meanfield/gaussian.ts';
export { gaussHermite, gaussLegendre, gaussianExpectation, type QuadratureRule } from './meanfield/quadrature.ts';
export { solveJacobianSpectrum, type JacobianSolveOptions } from './jacobian/index.ts';
export {
  solveLightJacobian, jacobianFactors, lightJacobianCdf, sampleJacobianSquaredSingularValues,
  type LightJacobianSpec, type LightJacobianOptions, type LightJacobianReport, type WeightEnsemble,
} from './jacobian/light.ts';
export {
  solveHeavySpectrum, heavyLawReport, quantileFromCdf, smoothedObservables, deconvolveSmoothed, smoothedTailExponent,
  type HeavySpectrum, type HeavySpectrumOptions, type HeavyRoute,
} from './jacobian/heavy.ts';
export {
  buildLayeredPopulation, populationStieltjes,
  type LayeredPopulation, type PopulationOptions, type PopulationSpec, type CavityState, type StieltjesPoint,
} from './jacobian/heavyPopulation.ts';
export { predictQ, fractionAboveOne, type QPrediction, type QPredictionOptions } from './predict/qPrediction.ts';
export { runReproduction, stripTimings, type ReproduceOptions, type ReproductionResult } from './report/reproduce.ts';
export { checkOutputPath, ensureOutputDirectory, writeOutputFile, fileError, writeFileAtomic } from './io/files.ts';
export { linePlot, histogramPlot, categoricalHeatmap, svgToPng, renderSvg, type Series, type AxesOptions, type DensityOverlay } from './report/svg.ts';
export * from './fixedpoints/basins.ts';
export * from './memory/damage.ts';
export * from './memory/restoration.ts';
export * from './memory/measure.ts';
export * from './memory/restoreImages.ts';
export * from './training/images.ts';
export { type LayeredNet, validateLayeredNet, cloneNet } from './training/model.ts';
export {
  forwardBatch as layeredForwardBatch, loss as trainingLoss, lossAndGradient, mseLoss, ridgePenalty, zeroGradients,
  type ForwardCache, type Gradients,
} from './training/backprop.ts';
export {
  train, initNetwork, applyUpdate, minibatchRows, batchSize, validateTrainConfig, checkpointPath, DEFAULT_TRAIN, OPTIMIZERS,
  type TrainConfig, type TrainOptions, type TrainResult, type InitSpec, type OptimizerName, type OptimizerState,
} from './training/train.ts';
export {
  saveNetworkFile, loadNetworkFile, parseNetworkFile, networkFileText, readNetwork, toNetwork,
  NETWORK_FILE_FORMAT, NETWORK_FILE_VERSION, type NetworkFile, type LogEntry,
} from './training/file.ts';
export { getDataset, registerDataset, datasetNames, randomPatterns, parseCsvMatrix, type Dataset, type DatasetOptions, type DatasetLoader } from './training/data.ts';
export * from './orderpreserving/modes.ts';
export * from './orderpreserving/basinRadius.ts';
