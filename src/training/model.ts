/**
 * Layered networks for training (theory/07-training.md section 7.1): widths [d_0, ..., d_L] (they may
 * differ), activation per layer, float64 row-major. Layer l (0-based) maps R^{d_l} to R^{d_{l+1}}:
 * x_{l+1} = phi_l(W_l x_l + b_l) with W_l stored d_{l+1} x d_l row-major  (7.1).
 */
import { InvalidSpecError, requireFinite, requireInteger } from '../errors.ts';
import { ACTIVATIONS, type ActivationName } from '../spec/networkSpec.ts';
import { matrix, type Matrix } from '../types.ts';

export interface LayeredNet {
  /** [d_0, d_1, ..., d_L]. */
  widths: number[];
  /** activations[l] is phi of layer l (length L). */
  activations: ActivationName[];
  /** weights[l] is W_l, d_{l+1} x d_l row-major. */
  weights: Matrix[];
  /** biases[l] is b_l, length d_{l+1}. */
  biases: Float64Array[];
}

/** Validate shapes and finiteness; `where` prefixes every field name (e.g. the file path). */
export function validateLayeredNet(net: LayeredNet, where = ''): LayeredNet {
  const f = (s: string) => (where ? `${where}: ${s}` : s);
  if (!Array.isArray(net.widths) || net.widths.length < 2) throw new InvalidSpecError(f('widths'), 'need at least two widths [d0, d1]');
  net.widths.forEach((d, i) => requireInteger(f(`widths[${i}]`), d, 1, 1_000_000));
  const L = net.widths.length - 1;
  if (!Array.isArray(net.activations) || net.activations.length !== L) throw new InvalidSpecError(f('activations'), `need ${L} activation names (one per layer)`);
  net.activations.forEach((a, i) => {
    if (!(ACTIVATIONS as readonly string[]).includes(a)) throw new InvalidSpecError(f(`activations[${i}]`), `must be one of ${ACTIVATIONS.join('|')}, got ${JSON.stringify(a)}`);
  });
  if (!Array.isArray(net.weights) || net.weights.length !== L) throw new InvalidSpecError(f('weights'), `need ${L} weight matrices`);
  if (!Array.isArray(net.biases) || net.biases.length !== L) throw new InvalidSpecError(f('biases'), `need ${L} bias vectors`);
  for (let l = 0; l < L; l++) {
    const w = net.weights[l]!;
    const rows = net.widths[l + 1]!;
    const cols = net.widths[l]!;
    if (w.rows !== rows || w.cols !== cols || w.data.length !== rows * cols) throw new InvalidSpecError(f(`weights[${l}]`), `must be ${rows} x ${cols} (${rows * cols} numbers)`);
    for (let i = 0; i < w.data.length; i++) requireFinite(f(`weights[${l}][${i}]`), w.data[i]!);
    const b = net.biases[l]!;
    if (b.length !== rows) throw new InvalidSpecError(f(`biases[${l}]`), `must have length ${rows}, got ${b.length}`);
    for (let i = 0; i < b.length; i++) requireFinite(f(`biases[${l}][${i}]`), b[i]!);
  }
  return net;
}

/** A deep copy (weights and biases in fresh arrays). */
export function cloneNet(net: LayeredNet): LayeredNet {
  return {
    widths: [...net.widths],
    activations: [...net.activations],
    weights: net.weights.map((w) => matrix(w.rows, w.cols, Float64Array.from(w.data))),
    biases: net.biases.map((b) => Float64Array.from(b)),
  };
}

export function depth(net: LayeredNet): number {
  return net.widths.length - 1;
}
