/** Public API of jacobian-esd. */
export * from './errors.ts';
export * from './types.ts';
export * from './random/rng.ts';
export * from './spec/networkSpec.ts';
export { linalg, setBackend, spectralRadius, availableBackends, backendByName, BACKEND_NAMES, type BackendName, type LinalgBackend, type ComplexEigenvalues, type SpectralRadiusOptions, type SpectralRadiusDiagnostics } from './linalg/index.ts';
export * as arbitraries from './arbitraries.ts';
export * from './montecarlo/index.ts';
export * from './laws/activations.ts';
export * from './laws/weightLaws.ts';
export * from './numerics/special.ts';
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
export {
  COUNT_PROTOCOLS, countNetwork, countsFromSearch, finalStates, clusterCount,
  type CountProtocol, type ProtocolCount, type ProtocolOptions,
} from './counting/protocols.ts';
export { depthCurves, curvesFromPoints, risesAndReturns, type DepthCurve, type DepthCurveSummary } from './counting/depthCurves.ts';
export {
  annealedComplexity, annealedFromHeavySpectrum, complexityFromSTransform, sTransformOfAtoms,
  type AnnealedComplexity, type AnnealedOptions,
} from './counting/annealed.ts';
export * from './spectra/empirical.ts';
export * from './spectra/tabulatedLaw.ts';
export {
  levyMatrixDensity, levyWishartDensity, levyScaledWishartDensity, levyDensityAtZero, levyLawReport, levyScaling,
  stableTailConstant, scaledWishartAtomAtZero, coarsenMeasure, LEVY_ALPHA_RANGE,
  type QuadratureMeasure, type LevySolveOptions, type LevyDiagnostics,
} from './freeprob/levy.ts';
export {
  stableLengthMap, stableScaleFixedPoint, stableD2Law, stableExpectation, stableActivationMoment, preactivationFactor,
  type StableConvention, type StableMeanFieldSpec, type StableFixedPointDiagnostics,
} from './meanfield/stable.ts';
export { stableDensity, stableCdf, stableDensityAtZero } from './meanfield/stableDensity.ts';
export type { LawReport } from './freeprob/lawReport.ts';
export * as freeprob from './freeprob/api.ts';
export {
  lengthMap, lengthMapSlope, lengthFixedPoint, lengthTrajectory, susceptibility, derivativeSquaredLaw, derivativeSquaredMoment,
  criticalParameters, secondMoment, meanFieldActivation, type DerivativeSquaredLaw, type MeanFieldActivation,
} from './meanfield/gaussian.ts';
export { gaussHermite, gaussLegendre, gaussianExpectation, type QuadratureRule } from './numerics/quadrature.ts';
export { solveJacobianSpectrum, type JacobianSolveOptions } from './jacobian/index.ts';
export {
  solveLightJacobian, jacobianFactors, lightJacobianCdf, lightMonteCarloSetup, lightJacobianSpecOf,
  type LightJacobianSpec, type LightJacobianOptions, type LightJacobianReport, type WeightEnsemble,
} from './jacobian/light.ts';
export {
  solveHeavySpectrum, heavyLawReport, smoothedObservables, deconvolveSmoothed, smoothedTailExponent,
  type HeavySpectrum, type HeavySpectrumOptions, type HeavyRoute,
} from './jacobian/heavy.ts';
export {
  buildLayeredPopulation, populationStieltjes,
  type LayeredPopulation, type PopulationOptions, type PopulationSpec, type CavityState, type StieltjesPoint,
} from './jacobian/heavyPopulation.ts';
export {
  sampleJacobianSpectrum, pooledJacobianSpectrum, sampleJacobianSquaredSingularValues, type JacobianPoints, type JacobianSpectrumSample,
} from './compare/sampler.ts';
export { compareDepths, kacRiceApplies, PREDICTIONS, type CompareRow, type CompareOptions, type PredictionChoice } from './compare/depths.ts';
export { spectrumAccuracy, monteCarloSpectrum, type SpectrumAccuracyRow } from './compare/spectrumAccuracy.ts';
export { predictQ, fractionAboveOne, type QPrediction, type QPredictionOptions } from './predict/qPrediction.ts';
export { runReproduction, type ReproductionResult } from './report/reproduce.ts';
export type { ReproduceOptions } from './report/claims/section.ts';
export { stripTimings } from './report/markdown.ts';
export { checkOutputPath, ensureOutputDirectory, writeOutputFile, fileError, writeFileAtomic } from './io/files.ts';
export { linePlot, histogramPlot, categoricalHeatmap, svgToPng, renderSvg, type Series, type AxesOptions, type DensityOverlay } from './plot/svg.ts';
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
export {
  BUILTIN_DATA as LANDSCAPE_DATA, loadLandscapeData, initShallowNet, shallowLoss, shallowGradient, residuals as shallowResiduals,
  type ShallowNet, type LandscapeData,
} from './landscape/model.ts';
export { gradientDescent as shallowGradientDescent, findPlateaus, type GdResult as ShallowGdResult, type Plateau } from './landscape/gd.ts';
export { dataSectors, sectorMatrix, arrangementRegions, minOverCone, type Sector } from './landscape/sectors.ts';
export {
  classifyPoint, perturbationTest, embedZeroNeuron, splitNeuron, neuronGdJacobian, zeroSmallNeurons,
  type Classification, type EscapeNeuron, type ClassifyOptions,
} from './landscape/classify.ts';
export { runLandscape, type LandscapeRunOptions, type LandscapeRunResult } from './landscape/run.ts';
export {
  integrateFlow, validateFlowSpec, fitExponents, flowRhs, residuals as flowResiduals, risk as flowRisk, fastMatrix, fastEigenvalues, finiteWidthRisk, initialReadout, INITS,
  type FlowSpec, type FlowOptions, type FlowRun, type FlowSample, type LearningTime, type Plateau as FlowPlateau, type ExponentFit, type InitName,
} from './timescales/flow.ts';
export { hermiteCoefficients, ACTIVATION_KINKS } from './timescales/hermite.ts';
export { timescaleTable, timescalesFigure, predictedPlateaus, type TimescaleTable } from './timescales/table.ts';
export * as expressivity from './expressivity/index.ts';
export * from './orderpreserving/modes.ts';
export * from './orderpreserving/basinRadius.ts';
