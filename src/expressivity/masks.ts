/**
 * Allocations from text (docs/allocation.md): `full`, `full:L`, `rows:L:i,j,..`, `cols:L:j,..`,
 * `diag:L`, `perrow:L:k`, terms joined by `+`, or the path of a JSON mask file. Layers are numbered
 * from 1 (W_1 is the first weight matrix; for lrnn 1 = U, 2 = W, 3 = C); rows and columns from 0.
 */
import { readFileSync } from 'node:fs';
import { InvalidSpecError } from '../errors.ts';
import { layerShapes, validateAllocation, type Allocation, type ArchSpec } from './allocation.ts';

const INT = /^\d+$/;

function indexList(field: string, text: string, max: number, what: string): number[] {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const r = /^(\d+)\.\.(\d+)$/.exec(part);
    const [a, b] = r ? [Number(r[1]), Number(r[2])] : INT.test(part) ? [Number(part), Number(part)] : [NaN, NaN];
    if (!Number.isInteger(a) || !Number.isInteger(b) || b < a) throw new InvalidSpecError(field, `expected ${what} indices like 0,2,5..7, got ${JSON.stringify(part)}`);
    if (b >= max) throw new InvalidSpecError(field, `${what} index ${b} does not fit: the layer has ${max} ${what}s (numbered from 0)`);
    for (let i = a; i <= b; i++) out.push(i);
  }
  return out;
}

function term(spec: ArchSpec, masks: Uint8Array[], t: string, field: string): void {
  const shapes = layerShapes(spec);
  const parts = t.split(':');
  const kind = parts[0]!;
  const layerOf = (s: string | undefined): number => {
    if (s === undefined || !INT.test(s) || Number(s) < 1 || Number(s) > shapes.length) {
      throw new InvalidSpecError(field, `${JSON.stringify(t)}: layer must be an integer in [1, ${shapes.length}] (${shapes.map((x, l) => `${l + 1}=${x.name}`).join(', ')})`);
    }
    return Number(s) - 1;
  };
  const want = (n: number) => {
    if (parts.length !== n) throw new InvalidSpecError(field, `${JSON.stringify(t)}: expected ${['', 'KIND', 'KIND:LAYER', 'KIND:LAYER:LIST'][n]}`);
  };
  if (kind === 'full') {
    if (parts.length === 1) { masks.forEach((m) => m.fill(1)); return; }
    want(2);
    masks[layerOf(parts[1])]!.fill(1);
    return;
  }
  if (kind === 'diag') {
    want(2);
    const l = layerOf(parts[1]), s = shapes[l]!;
    for (let i = 0; i < Math.min(s.rows, s.cols); i++) masks[l]![i * s.cols + i] = 1;
    return;
  }
  if (kind === 'rows' || kind === 'cols') {
    want(3);
    const l = layerOf(parts[1]), s = shapes[l]!;
    for (const idx of indexList(field, parts[2]!, kind === 'rows' ? s.rows : s.cols, kind === 'rows' ? 'row' : 'column')) {
      if (kind === 'rows') for (let j = 0; j < s.cols; j++) masks[l]![idx * s.cols + j] = 1;
      else for (let i = 0; i < s.rows; i++) masks[l]![i * s.cols + idx] = 1;
    }
    return;
  }
  if (kind === 'perrow') {
    want(3);
    const l = layerOf(parts[1]), s = shapes[l]!;
    const k = INT.test(parts[2]!) ? Number(parts[2]) : NaN;
    if (!(k >= 1 && k <= s.cols)) throw new InvalidSpecError(field, `${JSON.stringify(t)}: entries per row must be an integer in [1, ${s.cols}]`);
    for (let i = 0; i < s.rows; i++) for (let c = 0; c < k; c++) masks[l]![i * s.cols + ((i + c) % s.cols)] = 1;
    return;
  }
  throw new InvalidSpecError(field, `${JSON.stringify(t)}: unknown allocation (full, full:L, rows:L:LIST, cols:L:LIST, diag:L, perrow:L:K, terms joined by +, or a JSON mask file)`);
}

const looksLikeGrammar = (text: string) => /^(full|diag|rows|cols|perrow)(:|\+|$)/.test(text);

/** An allocation from the grammar above, or from a mask file (see maskFileAllocation). */
export function parseAllocation(spec: ArchSpec, text: string, field = 'allocation'): Allocation {
  const t = String(text).trim();
  if (t === '') throw new InvalidSpecError(field, 'the allocation is empty');
  if (!looksLikeGrammar(t)) return maskFileAllocation(spec, t, field);
  const masks = layerShapes(spec).map((s) => new Uint8Array(s.rows * s.cols));
  for (const part of t.split('+')) term(spec, masks, part.trim(), field);
  return validateAllocation(spec, { label: t, masks }, field);
}

/**
 * A JSON mask file: `{"masks": [M_1, ..., M_L]}` or the bare array, M_l a rows x cols array of 0/1
 * (or true/false) for weight matrix l, or null for a layer with no learnable weight.
 */
export function maskFileAllocation(spec: ArchSpec, path: string, field = 'allocation'): Allocation {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (and not an allocation: full, rows:L:.., cols:L:.., diag:L, perrow:L:K)' : (e as Error).message.split('\n')[0];
    throw new InvalidSpecError(field, `${path}: ${why}`);
  }
  const raw = Array.isArray(doc) ? doc : (doc as { masks?: unknown } | null)?.masks;
  const shapes = layerShapes(spec);
  if (!Array.isArray(raw) || raw.length !== shapes.length) {
    throw new InvalidSpecError(field, `${path}: expected {"masks": [...]} with ${shapes.length} layer masks (${shapes.map((s) => `${s.name} ${s.rows}x${s.cols}`).join(', ')})`);
  }
  const masks = raw.map((m: unknown, l) => {
    const s = shapes[l]!;
    const out = new Uint8Array(s.rows * s.cols);
    if (m === null) return out;
    if (!Array.isArray(m) || m.length !== s.rows || m.some((r) => !Array.isArray(r) || r.length !== s.cols)) {
      throw new InvalidSpecError(field, `${path}: mask ${l + 1} must be a ${s.rows}x${s.cols} array of 0/1 (layer ${s.name})`);
    }
    (m as unknown[][]).forEach((r, i) => r.forEach((v, j) => {
      if (v !== 0 && v !== 1 && v !== true && v !== false) throw new InvalidSpecError(field, `${path}: mask ${l + 1} entry [${i}][${j}] must be 0 or 1`);
      out[i * s.cols + j] = v === 1 || v === true ? 1 : 0;
    }));
    return out;
  });
  return validateAllocation(spec, { label: path, masks }, field);
}
