/**
 * Data sets for training, by name: a registry so other stages add their own (images, ...).
 * A data set is P inputs (rows of a P x d matrix) and, for supervised pairs, P targets.
 */
import { readFileSync } from 'node:fs';
import { InvalidSpecError, requireFinite, requireInteger } from '../errors.ts';
import { STREAM, stream } from '../random/rng.ts';
import { matrix, type Matrix } from '../types.ts';

export interface Dataset {
  name: string;
  /** P x d inputs. */
  inputs: Matrix;
  /** P x k targets (supervised pairs), or null: the autoencoder target is the input. */
  targets: Matrix | null;
  /** What the data set is, for logs and the network file. */
  description: Record<string, unknown>;
}

/** Options every loader may read; unknown keys are ignored by loaders that do not use them. */
export interface DatasetOptions {
  /** patterns: number P of patterns. */
  patterns?: number;
  /** patterns: dimension N. */
  dim?: number;
  /** patterns: the two levels. */
  lo?: number;
  hi?: number;
  seed?: number;
  /** file: path of a JSON (array of rows, or {"inputs": rows, "targets": rows}) or CSV matrix. */
  file?: string;
  [key: string]: unknown;
}

export type DatasetLoader = (opts: DatasetOptions) => Dataset;

const REGISTRY = new Map<string, DatasetLoader>();

/** Add a data set under `name` (a later registration with the same name replaces it). */
export function registerDataset(name: string, loader: DatasetLoader): void {
  REGISTRY.set(name, loader);
}

export function datasetNames(): string[] {
  return [...REGISTRY.keys()];
}

/** The data set `name` with options `opts`; InvalidSpecError for an unknown name or bad options. */
export function getDataset(name: string, opts: DatasetOptions): Dataset {
  const loader = REGISTRY.get(name);
  if (loader === undefined) throw new InvalidSpecError('--data', `must be one of ${datasetNames().join('|')}, got ${JSON.stringify(name)}`);
  const ds = loader(opts);
  for (const [m, field] of [[ds.inputs, 'inputs'], [ds.targets, 'targets']] as const) {
    if (m === null) continue;
    for (let i = 0; i < m.data.length; i++) {
      if (!Number.isFinite(m.data[i]!)) throw new InvalidSpecError(`--data ${name}`, `${field} row ${Math.floor(i / m.cols)} column ${i % m.cols} is not finite (${m.data[i]})`);
    }
  }
  if (ds.targets !== null && ds.targets.rows !== ds.inputs.rows) throw new InvalidSpecError(`--data ${name}`, `${ds.inputs.rows} inputs but ${ds.targets.rows} targets`);
  return ds;
}

/**
 * P random patterns in {lo, hi}^N, each entry lo or hi with probability 1/2, drawn row by row
 * from stream(seed, DATA, 0).
 */
export function randomPatterns(P: number, N: number, lo: number, hi: number, seed: number): Matrix {
  requireInteger('--patterns', P, 1, 10_000_000);
  requireInteger('--width', N, 1, 1_000_000);
  requireFinite('--lo', lo);
  requireFinite('--hi', hi);
  requireInteger('--seed', seed, 0);
  const rng = stream(seed, STREAM.DATA, 0);
  const m = matrix(P, N);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rng.uniform() < 0.5 ? lo : hi;
  return m;
}

registerDataset('patterns', (o) => {
  const P = o.patterns ?? 10;
  if (o.dim === undefined) throw new InvalidSpecError('--width', 'the pattern dimension is the network input width; give --width');
  const lo = o.lo ?? 0.1;
  const hi = o.hi ?? 0.9;
  return {
    name: 'patterns',
    inputs: randomPatterns(P, o.dim, lo, hi, o.seed ?? 1),
    targets: null,
    description: { name: 'patterns', patterns: P, dim: o.dim, lo, hi, seed: o.seed ?? 1 },
  };
});

export function rowsToMatrix(rows: unknown, where: string): Matrix {
  if (!Array.isArray(rows) || rows.length === 0) throw new InvalidSpecError(where, 'must be a non-empty array of rows');
  const first = rows[0];
  if (!Array.isArray(first) || first.length === 0) throw new InvalidSpecError(`${where}[0]`, 'must be a non-empty array of numbers');
  const d = first.length;
  const m = matrix(rows.length, d);
  rows.forEach((r, p) => {
    if (!Array.isArray(r) || r.length !== d) throw new InvalidSpecError(`${where}[${p}]`, `must have ${d} numbers like row 0`);
    r.forEach((v, i) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidSpecError(`${where}[${p}][${i}]`, `must be a finite number, got ${JSON.stringify(v)}`);
      m.data[p * d + i] = v;
    });
  });
  return m;
}

/** Parse a CSV matrix (comma or whitespace separated numbers, one row per line, '#' comments). */
export function parseCsvMatrix(text: string, where: string): Matrix {
  const rows: number[][] = [];
  text.split(/\r?\n/).forEach((line, k) => {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) return;
    rows.push(t.split(/[\s,;]+/).map((s, i) => {
      const v = Number(s);
      if (s === '' || !Number.isFinite(v)) throw new InvalidSpecError(`${where} line ${k + 1}`, `entry ${i + 1} is not a finite number: ${JSON.stringify(s)}`);
      return v;
    }));
  });
  return rowsToMatrix(rows, where);
}

registerDataset('file', (o) => {
  const path = o.file;
  if (path === undefined) throw new InvalidSpecError('--data-file', 'is required with --data file');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InvalidSpecError('--data-file', `cannot read ${path}: ${(e as Error).message}`);
  }
  if (/\.csv$/i.test(path)) return { name: 'file', inputs: parseCsvMatrix(text, path), targets: null, description: { name: 'file', file: path } };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InvalidSpecError(path, `not valid JSON: ${(e as Error).message}`);
  }
  if (Array.isArray(doc)) return { name: 'file', inputs: rowsToMatrix(doc, path), targets: null, description: { name: 'file', file: path } };
  const d = doc as Record<string, unknown>;
  const inputs = rowsToMatrix(d?.inputs, `${path}: inputs`);
  const targets = d.targets === undefined ? null : rowsToMatrix(d.targets, `${path}: targets`);
  return { name: 'file', inputs, targets, description: { name: 'file', file: path } };
});
