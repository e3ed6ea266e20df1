/**
 * The network file: one JSON document holding a trained (or initial) layered network.
 *
 *   { "format": "jesd-network", "version": 1, "package": "jacobian-esd 0.1.0",
 *     "widths": [d0, ..., dL], "activations": ["sigmoid", ...],          (one per layer)
 *     "weights": [[...d1*d0 numbers, row-major W_0...], ...],             (W_l is d_{l+1} x d_l)
 *     "biases": [[...d1 numbers...], ...],
 *     "training": { ...the training configuration, or null },
 *     "log": [{ "step": s, "loss": v }, ...] }
 *
 * Numbers are written with JSON.stringify, which round-trips every float64 exactly. Files are
 * written atomically (temporary file, fsync, rename), so a crash never leaves a partial file in
 * place of a good one. The loader validates everything and throws InvalidSpecError naming the file
 * and the field (CLI exit 2).
 */
import { readFileSync } from 'node:fs';
import { InvalidSpecError } from '../errors.ts';
import { writeFileAtomic } from '../io/files.ts';
import { networkFromWeights, type Network } from '../network/network.ts';
import { matrix } from '../types.ts';
import { validateLayeredNet, type LayeredNet } from './model.ts';
import { packageVersion } from '../version.ts';

export const NETWORK_FILE_FORMAT = 'jesd-network';
export const NETWORK_FILE_VERSION = 1;

export interface LogEntry {
  step: number;
  loss: number;
}

export interface NetworkFile {
  format: typeof NETWORK_FILE_FORMAT;
  version: number;
  package: string;
  net: LayeredNet;
  /** Training configuration (free-form object written by the trainer), or null. */
  training: Record<string, unknown> | null;
  log: LogEntry[];
}

/** The JSON text of a network file. */
export function networkFileText(net: LayeredNet, training: Record<string, unknown> | null = null, log: LogEntry[] = []): string {
  validateLayeredNet(net);
  return JSON.stringify({
    format: NETWORK_FILE_FORMAT,
    version: NETWORK_FILE_VERSION,
    package: packageVersion(),
    widths: net.widths,
    activations: net.activations,
    weights: net.weights.map((w) => Array.from(w.data)),
    biases: net.biases.map((b) => Array.from(b)),
    training,
    log,
  }) + '\n';
}

/** Save a network file atomically. */
export function saveNetworkFile(path: string, net: LayeredNet, training: Record<string, unknown> | null = null, log: LogEntry[] = []): void {
  const text = networkFileText(net, training, log);
  try {
    writeFileAtomic(path, text);
  } catch (e) {
    throw new InvalidSpecError('--out', `cannot write ${path}: ${(e as Error).message}`);
  }
}

function numberArray(v: unknown, field: string): Float64Array {
  if (!Array.isArray(v)) throw new InvalidSpecError(field, 'must be an array of numbers');
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new InvalidSpecError(`${field}[${i}]`, `must be a finite number, got ${JSON.stringify(x)}`);
    out[i] = x;
  }
  return out;
}

/** Parse and validate the text of a network file; `where` (the path) prefixes every field name. */
export function parseNetworkFile(text: string, where: string): NetworkFile {
  const f = (s: string) => `${where}: ${s}`;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InvalidSpecError(where, `not a complete JSON network file (truncated or corrupt): ${(e as Error).message}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new InvalidSpecError(where, 'must be a JSON object');
  const d = doc as Record<string, unknown>;
  if (d.format !== NETWORK_FILE_FORMAT) throw new InvalidSpecError(f('format'), `must be "${NETWORK_FILE_FORMAT}", got ${JSON.stringify(d.format)}`);
  if (d.version !== NETWORK_FILE_VERSION) throw new InvalidSpecError(f('version'), `this jesd reads version ${NETWORK_FILE_VERSION}, got ${JSON.stringify(d.version)}`);
  for (const k of ['widths', 'activations', 'weights', 'biases'] as const) {
    if (!Array.isArray(d[k])) throw new InvalidSpecError(f(k), 'missing or not an array');
  }
  const widths = d.widths as unknown[];
  widths.forEach((w, i) => {
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 1) throw new InvalidSpecError(f(`widths[${i}]`), `must be an integer >= 1, got ${JSON.stringify(w)}`);
  });
  const L = widths.length - 1;
  const ws = d.weights as unknown[];
  const bs = d.biases as unknown[];
  if (L < 1) throw new InvalidSpecError(f('widths'), 'need at least two widths [d0, d1]');
  if (ws.length !== L) throw new InvalidSpecError(f('weights'), `need ${L} weight matrices (widths has ${L + 1} entries), got ${ws.length}`);
  if (bs.length !== L) throw new InvalidSpecError(f('biases'), `need ${L} bias vectors, got ${bs.length}`);
  const net: LayeredNet = {
    widths: widths as number[],
    activations: d.activations as LayeredNet['activations'],
    weights: ws.map((w, l) => {
      const data = numberArray(w, f(`weights[${l}]`));
      const rows = widths[l + 1] as number;
      const cols = widths[l] as number;
      if (data.length !== rows * cols) throw new InvalidSpecError(f(`weights[${l}]`), `must hold ${rows} x ${cols} = ${rows * cols} numbers, got ${data.length}`);
      return matrix(rows, cols, data);
    }),
    biases: bs.map((b, l) => numberArray(b, f(`biases[${l}]`))),
  };
  validateLayeredNet(net, where);
  const training = d.training ?? null;
  if (training !== null && (typeof training !== 'object' || Array.isArray(training))) throw new InvalidSpecError(f('training'), 'must be an object or null');
  const logRaw = d.log ?? [];
  if (!Array.isArray(logRaw)) throw new InvalidSpecError(f('log'), 'must be an array');
  const log = logRaw.map((e, i) => {
    const r = e as Record<string, unknown>;
    if (typeof r !== 'object' || r === null || typeof r.step !== 'number' || typeof r.loss !== 'number') {
      throw new InvalidSpecError(f(`log[${i}]`), 'must be {"step": number, "loss": number}');
    }
    return { step: r.step, loss: r.loss };
  });
  return {
    format: NETWORK_FILE_FORMAT,
    version: NETWORK_FILE_VERSION,
    package: typeof d.package === 'string' ? d.package : 'unknown',
    net,
    training: training as Record<string, unknown> | null,
    log,
  };
}

/** Read and validate a network file (InvalidSpecError naming the file and field on any problem). */
export function loadNetworkFile(path: string): NetworkFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InvalidSpecError('--network', code === 'ENOENT' ? `no such file ${path}` : `cannot read ${path}: ${(e as Error).message}`);
  }
  return parseNetworkFile(text, path);
}

/**
 * The N -> N network of src/network/network.ts for a layered net with equal widths and one
 * activation on every layer, so every command that takes a network (fixed-points, spectrum, ...)
 * can use a trained one. `where` names the source in errors.
 */
export function toNetwork(net: LayeredNet, where = 'network'): Network {
  const N = net.widths[0]!;
  if (!net.widths.every((d) => d === N)) throw new InvalidSpecError(`${where}: widths`, `an N -> N network with equal widths is needed here, got [${net.widths.join(', ')}]`);
  const a = net.activations[0]!;
  if (!net.activations.every((x) => x === a)) throw new InvalidSpecError(`${where}: activations`, `one activation on every layer is needed here, got [${net.activations.join(', ')}]`);
  return networkFromWeights(a, net.weights, net.biases);
}

/** loadNetworkFile + toNetwork. */
export function readNetwork(path: string): Network {
  return toNetwork(loadNetworkFile(path).net, path);
}
