/**
 * One landscape experiment (theory/09-landscape.md section 9.7): gradient descent from a small
 * initialisation, the plateaus of the loss with the step where each ends, the classification of each
 * plateau and of the end point, and optionally a zero-neuron embedding of the end point followed by
 * more descent. Used by `jesd landscape` and `jesd reproduce --study landscape`.
 */
import { InvalidSpecError, requireFinite, requireInteger } from '../errors.ts';
import { STREAM, stream } from '../random/rng.ts';
import { classifyPoint, checkEscapeMultiplier, type ClassifyOptions, type EscapeNeuron, embedZeroNeuron, zeroSmallNeurons, type Classification } from './classify.ts';
import { defaultRecordEvery, findPlateaus, gradientDescent, type GdRecord } from './gd.ts';
import { initShallowNet, type LandscapeData, type ShallowNet } from './model.ts';
import { dataSectors, norm, sectorMatrix } from './sectors.ts';
import { residuals } from './model.ts';

export interface LandscapeRunOptions {
  width: number;
  initScale: number;
  lr: number;
  steps: number;
  seed: number;
  alphaPos?: number;
  alphaNeg?: number;
  /** Stationarity tolerance at the end point (default 1e-6). */
  tol?: number;
  /** Stationarity tolerance at plateau points (default 1e-5: GD is slow there, not stopped). */
  plateauTol?: number;
  /** Relative tolerance for w_i . x_n = 0 at plateau points (default 1e-4; 1e-9 at the end point). */
  plateauBoundaryTol?: number;
  /** Neurons whose output contribution is below this are zeroed before a plateau is classified (default 1e-6). */
  pruneTol?: number;
  /** Plateau detection (9.5): flatness threshold per window (default 1e-4). */
  flatTol?: number;
  /** Perturbation-test draws (default 5000). */
  draws?: number;
  embedZeroNeuron?: boolean;
  continueSteps?: number;
  onRecord?: (step: number, loss: number) => void;
}

export interface PlateauReport {
  loss: number;
  endStep: number;
  startStep: number;
  classification: Classification['classification'];
  reason: string;
  escapeNeurons: number;
  /** Largest GD-map multiplier over the escape neurons (1 + eta c sigma_max(D_S)), or null. */
  gdMultiplier: number | null;
  /** The escape neuron that certifies a saddle (neuron, sector, strength, descent direction), or the first one. */
  escape: EscapeNeuron | null;
}

export interface EmbeddingReport {
  classification: Classification;
  /** Loss after the continued descent from the embedded point, moved by init-scale along the escape direction. */
  continuedLoss: number | null;
  continueSteps: number;
  records: GdRecord[];
}

export interface LandscapeRunResult {
  finalLoss: number;
  plateaus: PlateauReport[];
  classification: Classification['classification'];
  endPoint: Classification;
  records: GdRecord[];
  net: ShallowNet;
  embedding: EmbeddingReport | null;
}

export function validateRunOptions(o: LandscapeRunOptions): void {
  requireInteger('--width', o.width, 1, 10_000);
  requireFinite('--init-scale', o.initScale);
  if (!(o.initScale > 0)) throw new InvalidSpecError('--init-scale', `must be > 0, got ${o.initScale}`);
  requireFinite('--lr', o.lr);
  if (!(o.lr > 0)) throw new InvalidSpecError('--lr', `must be > 0, got ${o.lr}`);
  requireInteger('--steps', o.steps, 1, 1e9);
  requireInteger('--seed', o.seed, 0);
  if (o.continueSteps !== undefined) requireInteger('--continue-steps', o.continueSteps, 0, 1e9);
  if (o.flatTol !== undefined && !(Number.isFinite(o.flatTol) && o.flatTol > 0 && o.flatTol < 1)) throw new InvalidSpecError('--flat-tol', `must be in (0, 1), got ${o.flatTol}`);
}

/**
 * classifyPoint, except that a point whose sectors are too many to enumerate (a zero neuron on a
 * large data set in dimension >= 3) is reported undecided with the reason instead of ending a long
 * run with an error after the descent is done.
 */
function safeClassify(net: ShallowNet, data: LandscapeData, opts: ClassifyOptions): Classification {
  try {
    return classifyPoint(net, data, opts);
  } catch (e) {
    if (!(e instanceof InvalidSpecError)) throw e;
    return {
      classification: 'undecided', reason: `not classified: ${e.message}`, stationary: false, tol: opts.tol ?? 1e-6, escapeTol: 100 * (opts.tol ?? 1e-6),
      loss: residuals(net, data).loss, residuals: { maxOutputDerivative: 0, maxRadial: 0, minDirectional: 0, worstNeuron: -1 },
      gdFixedPointResidual: null, escapeNeurons: [], perturbation: null,
    };
  }
}

export function runLandscape(data: LandscapeData, o: LandscapeRunOptions): LandscapeRunResult {
  validateRunOptions(o);
  const init = initShallowNet({ d: data.X.cols, k: data.Y.cols, r: o.width, scale: o.initScale, seed: o.seed, alphaPos: o.alphaPos, alphaNeg: o.alphaNeg });
  const gd = gradientDescent(init, data, { lr: o.lr, steps: o.steps, onRecord: o.onRecord });
  const copts = { lr: o.lr, draws: o.draws ?? 5000, seed: o.seed };
  const plateaus: PlateauReport[] = findPlateaus(gd.records, { flatTol: o.flatTol }).map((p) => {
    const s = gd.snapshots[p.index]!;
    const point = zeroSmallNeurons({ ...init, W: s.W, H: s.H }, data, o.pruneTol ?? 1e-6);
    const c = safeClassify(point, data, { ...copts, tol: o.plateauTol ?? 1e-5, boundaryTol: o.plateauBoundaryTol ?? 1e-4 });
    return {
      loss: p.loss, endStep: p.endStep, startStep: p.startStep, classification: c.classification, reason: c.reason,
      escapeNeurons: c.escapeNeurons.length, gdMultiplier: c.escapeNeurons.length ? Math.max(...c.escapeNeurons.map((e) => e.gdMultiplier)) : null,
      escape: c.escapeNeurons.find((e) => e.descent !== null && e.descent.deltaLoss < 0) ?? c.escapeNeurons[0] ?? null,
    };
  });
  const endPoint = safeClassify(gd.net, data, { ...copts, tol: o.tol ?? 1e-6 });
  let embedding: EmbeddingReport | null = null;
  if (o.embedZeroNeuron) {
    const emb = embedZeroNeuron(gd.net);
    const c = safeClassify(emb, data, { ...copts, tol: o.tol ?? 1e-6 });
    const zero = c.escapeNeurons.find((e) => e.neuron === emb.r - 1);
    if (zero) checkEscapeMultiplier(zero, o.lr);
    const T2 = o.continueSteps ?? 0;
    let continuedLoss: number | null = null;
    let records: GdRecord[] = [];
    if (T2 > 0) {
      const start = placeEmbeddedNeuron(emb, data, o.initScale, o.seed);
      const cont = gradientDescent(start, data, { lr: o.lr, steps: T2, snapshots: false, stepOffset: o.steps, onRecord: o.onRecord, recordEvery: defaultRecordEvery(T2) });
      continuedLoss = cont.finalLoss;
      records = cont.records;
    }
    embedding = { classification: c, continuedLoss, continueSteps: T2, records };
  }
  return { finalLoss: gd.finalLoss, plateaus, classification: endPoint.classification, endPoint, records: gd.records, net: gd.net, embedding };
}

/**
 * Start of the continued descent after an embedding: an exactly zero neuron has zero gradient, so GD
 * would never leave the embedded saddle. The new (last) neuron is moved to w = S v, h = -S sgn(D_S v)
 * along the sector S with the largest sigma_max(D_S) (v its interior direction); with no such sector
 * it gets S times N(0, 1) entries from stream(seed, LANDSCAPE_PERTURB, 1).
 */
export function placeEmbeddedNeuron(net: ShallowNet, data: LandscapeData, scale: number, seed: number): ShallowNet {
  const p = { ...net, W: Float64Array.from(net.W), H: Float64Array.from(net.H) };
  const i = net.r - 1, d = net.d, k = net.k;
  const { E } = residuals(net, data);
  let best = 0, bv: Float64Array | null = null, bu: Float64Array | null = null;
  for (const s of dataSectors(data.X)) {
    const D = sectorMatrix(data.X, E, k, s.signs, net.alphaPos, net.alphaNeg);
    const u = new Float64Array(k);
    for (let q = 0; q < k; q++) for (let j = 0; j < d; j++) u[q] = u[q]! + D[q * d + j]! * s.interior[j]!;
    if (norm(u) > best) { best = norm(u); bv = s.interior; bu = u; }
  }
  if (bv && bu && best > 0) {
    for (let j = 0; j < d; j++) p.W[i * d + j] = scale * bv[j]!;
    for (let q = 0; q < k; q++) p.H[i * k + q] = (-scale * bu[q]!) / best;
  } else {
    const g = stream(seed, STREAM.LANDSCAPE_PERTURB, 1);
    for (let j = 0; j < d; j++) p.W[i * d + j] = scale * g.normal();
    for (let q = 0; q < k; q++) p.H[i * k + q] = scale * g.normal();
  }
  return p;
}
