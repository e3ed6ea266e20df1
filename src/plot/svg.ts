/**
 * A small dependency-free SVG plotting module for the project's figures (docs/design.md section 3,
 * src/report/): line/scatter plots with error bars and several series, log axes, histograms with a
 * density overlay and an error band, categorical heatmaps (basins of attraction), titles,
 * captions and axis labels. `svgToPng` rasterises a figure through @resvg/resvg-js.
 *
 * Every function returns a complete standalone SVG document as a string. Output is deterministic:
 * coordinates are printed with a fixed number of decimals, so the same data gives the same bytes.
 */
import { writeFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import { InvalidSpecError } from '../errors.ts';

/** Categorical palette (Okabe-Ito, colour-blind safe) followed by a few extra distinct colours. */
export const PALETTE = [
  '#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000',
  '#7F3C8D', '#11A579', '#3969AC', '#F2B701', '#E73F74', '#80BA5A', '#E68310', '#008695',
] as const;

export interface Series {
  name: string;
  x: readonly number[];
  y: readonly number[];
  /** Symmetric error bars (same length as y), or asymmetric [lo, hi] absolute values. */
  yErr?: readonly number[];
  yLo?: readonly number[];
  yHi?: readonly number[];
  /** 'line' (default), 'scatter' (markers only) or 'both'. */
  mode?: 'line' | 'scatter' | 'both';
  color?: string;
  dashed?: boolean;
  /** Marker shape for scatter modes. */
  marker?: 'circle' | 'square' | 'triangle';
}

export interface ReferenceLine {
  /** Horizontal line at y (or vertical at x). */
  y?: number;
  x?: number;
  label?: string;
  color?: string;
  /** Put a vertical line's label at the top of the plot area (default: bottom). */
  labelAtTop?: boolean;
}

export interface AxesOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** A sentence under the figure (rendered in the SVG, so PNGs carry it too). */
  caption?: string;
  width?: number;
  height?: number;
  xLog?: boolean;
  yLog?: boolean;
  /** Fixed axis ranges; default: data range with a margin. */
  xDomain?: [number, number];
  yDomain?: [number, number];
  referenceLines?: ReferenceLine[];
  /** Legend position inside the plot area. */
  legend?: 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left' | 'none';
}

// ---------------------------------------------------------------------------------------------
// Primitives

const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Fixed-precision coordinate (deterministic output, small files). */
function f(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

function text(x: number, y: number, s: string, opts: { size?: number; anchor?: 'start' | 'middle' | 'end'; weight?: string; rotate?: number; fill?: string; italic?: boolean } = {}): string {
  const size = opts.size ?? 12;
  const anchor = opts.anchor ?? 'start';
  const tr = opts.rotate ? ` transform="rotate(${opts.rotate} ${f(x)} ${f(y)})"` : '';
  const w = opts.weight ? ` font-weight="${opts.weight}"` : '';
  const it = opts.italic ? ' font-style="italic"' : '';
  return `<text x="${f(x)}" y="${f(y)}" font-size="${size}" text-anchor="${anchor}" fill="${opts.fill ?? '#222'}"${w}${it}${tr}>${escapeXml(s)}</text>`;
}

/** Word-wrap a caption to lines of at most `maxChars` characters. */
export function wrapText(s: string, maxChars: number): string[] {
  const words = s.split(/\s+/).filter((w) => w.length > 0);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur.length === 0) cur = w;
    else if (cur.length + 1 + w.length <= maxChars) cur += ' ' + w;
    else {
      lines.push(cur);
      cur = w;
    }
  }
  if (cur.length > 0) lines.push(cur);
  return lines;
}

/** Format a tick value compactly: 0.001, 0.5, 12, 1e+6. */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const e = Math.floor(Math.log10(a) + 1e-9);
    const m = v / 10 ** e;
    const ms = Math.abs(m - Math.round(m)) < 1e-9 ? String(Math.round(m)) : m.toPrecision(2);
    return `${ms === '1' ? '' : ms + '×'}10^${e}`;
  }
  return String(+v.toPrecision(6));
}

/** "Nice" linear ticks covering [lo, hi] (about `target` of them). */
export function linearTicks(lo: number, hi: number, target = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const out: number[] = [];
  const start = Math.ceil(lo / step - 1e-9) * step;
  for (let v = start; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

/** Log ticks: powers of ten in [lo, hi] (with 2 and 5 multiples when there are few decades). */
export function logTicks(lo: number, hi: number): number[] {
  const e0 = Math.floor(Math.log10(lo) + 1e-9), e1 = Math.ceil(Math.log10(hi) - 1e-9);
  const mults = e1 - e0 <= 3 ? [1, 2, 5] : [1];
  // At most about 8 labelled decades: every k-th power of ten on wide ranges.
  const step = Math.max(1, Math.ceil((e1 - e0) / 8));
  const out: number[] = [];
  for (let e = Math.ceil(e0 / step) * step; e <= e1; e += step) {
    for (const m of mults) {
      const v = +(m * 10 ** e).toPrecision(12);
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
    }
  }
  return out.length >= 2 ? out : [lo, hi];
}

interface Scale {
  (v: number): number;
  lo: number;
  hi: number;
  log: boolean;
  ticks: number[];
}

function makeScale(lo: number, hi: number, pxLo: number, pxHi: number, log: boolean): Scale {
  const a = log ? Math.log10(lo) : lo;
  const b = log ? Math.log10(hi) : hi;
  const fn = ((v: number) => {
    const t = ((log ? Math.log10(v) : v) - a) / (b - a);
    return pxLo + t * (pxHi - pxLo);
  }) as Scale;
  fn.lo = lo;
  fn.hi = hi;
  fn.log = log;
  fn.ticks = log ? logTicks(lo, hi) : linearTicks(lo, hi);
  return fn;
}

/** Data range of finite values (positive only on a log axis), padded by `pad` of the span. */
export function dataDomain(values: readonly number[], log: boolean, pad = 0.05): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (log && !(v > 0))) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return log ? [0.1, 10] : [0, 1];
  if (log) {
    const a = Math.log10(lo), b = Math.log10(hi);
    const span = b - a || 1;
    return [10 ** (a - pad * span), 10 ** (b + pad * span)];
  }
  if (hi === lo) return [lo - (Math.abs(lo) || 1) * 0.5, hi + (Math.abs(hi) || 1) * 0.5];
  const span = hi - lo;
  return [lo - pad * span, hi + pad * span];
}

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  captionLines: string[];
}

/** Pixel layout of a plot (plot-area edges), for callers that need to locate data in a raster. */
export function plotFrame(opts: Partial<AxesOptions>): { width: number; height: number; left: number; right: number; top: number; bottom: number } {
  const { width, height, left, right, top, bottom } = frame(opts);
  return { width, height, left, right, top, bottom };
}

function frame(opts: { width?: number; height?: number; caption?: string; rightExtra?: number }): Frame {
  const width = opts.width ?? 720;
  const captionLines = opts.caption ? wrapText(opts.caption, Math.floor(width / 7.2)) : [];
  const captionH = captionLines.length * 16 + (captionLines.length > 0 ? 10 : 0);
  const height = (opts.height ?? 440) + captionH;
  return { width, height, left: 78, right: width - 24 - (opts.rightExtra ?? 0), top: 48, bottom: height - captionH - 58, captionLines };
}

function open(fr: Frame, title: string): string[] {
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${fr.width}" height="${fr.height}" viewBox="0 0 ${fr.width} ${fr.height}" font-family="${FONT}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="0" y="0" width="${fr.width}" height="${fr.height}" fill="#ffffff"/>`,
    text(fr.width / 2, 26, title, { size: 16, anchor: 'middle', weight: 'bold' }),
  ];
}

function close(fr: Frame, parts: string[]): string {
  let y = fr.bottom + 58;
  for (const line of fr.captionLines) {
    y += 16;
    parts.push(text(fr.left - 60, y - 4, line, { size: 12, fill: '#444', italic: true }));
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

function axes(parts: string[], fr: Frame, xs: Scale, ys: Scale, xLabel: string, yLabel: string, opts: { xTickLabels?: Map<number, string> } = {}): void {
  parts.push(`<g class="grid" stroke="#e4e4e4" stroke-width="1">`);
  for (const t of xs.ticks) parts.push(`<line x1="${f(xs(t))}" y1="${f(fr.top)}" x2="${f(xs(t))}" y2="${f(fr.bottom)}"/>`);
  for (const t of ys.ticks) parts.push(`<line x1="${f(fr.left)}" y1="${f(ys(t))}" x2="${f(fr.right)}" y2="${f(ys(t))}"/>`);
  parts.push('</g>');
  parts.push(`<rect x="${f(fr.left)}" y="${f(fr.top)}" width="${f(fr.right - fr.left)}" height="${f(fr.bottom - fr.top)}" fill="none" stroke="#333" stroke-width="1"/>`);
  parts.push(`<g class="ticks" stroke="#333" stroke-width="1">`);
  for (const t of xs.ticks) parts.push(`<line x1="${f(xs(t))}" y1="${f(fr.bottom)}" x2="${f(xs(t))}" y2="${f(fr.bottom + 5)}"/>`);
  for (const t of ys.ticks) parts.push(`<line x1="${f(fr.left - 5)}" y1="${f(ys(t))}" x2="${f(fr.left)}" y2="${f(ys(t))}"/>`);
  parts.push('</g>');
  for (const t of xs.ticks) parts.push(text(xs(t), fr.bottom + 19, opts.xTickLabels?.get(t) ?? formatTick(t), { size: 11, anchor: 'middle' }));
  for (const t of ys.ticks) parts.push(text(fr.left - 8, ys(t) + 4, formatTick(t), { size: 11, anchor: 'end' }));
  parts.push(text((fr.left + fr.right) / 2, fr.bottom + 42, xLabel, { size: 13, anchor: 'middle' }));
  parts.push(text(20, (fr.top + fr.bottom) / 2, yLabel, { size: 13, anchor: 'middle', rotate: -90 }));
}

function clipDef(fr: Frame, id: string): string {
  return `<defs><clipPath id="${id}"><rect x="${f(fr.left)}" y="${f(fr.top)}" width="${f(fr.right - fr.left)}" height="${f(fr.bottom - fr.top)}"/></clipPath></defs>`;
}

interface LegendEntry {
  name: string;
  color: string;
  kind: 'line' | 'marker' | 'both' | 'box' | 'band';
  dashed?: boolean;
  marker?: Series['marker'];
}

function legend(parts: string[], fr: Frame, entries: LegendEntry[], where: NonNullable<AxesOptions['legend']>): void {
  if (where === 'none' || entries.length === 0) return;
  const lineH = 18;
  const w = Math.min(fr.right - fr.left - 20, 44 + 7 * Math.max(...entries.map((e) => e.name.length)));
  const h = entries.length * lineH + 10;
  const x0 = where.endsWith('right') ? fr.right - w - 10 : fr.left + 10;
  const y0 = where.startsWith('top') ? fr.top + 10 : fr.bottom - h - 10;
  parts.push(`<g class="legend">`);
  parts.push(`<rect x="${f(x0)}" y="${f(y0)}" width="${f(w)}" height="${f(h)}" fill="#ffffff" fill-opacity="0.9" stroke="#999" stroke-width="0.8"/>`);
  entries.forEach((e, i) => {
    const cy = y0 + 5 + lineH * i + lineH / 2;
    const sx = x0 + 8;
    if (e.kind === 'box') {
      parts.push(`<rect x="${f(sx)}" y="${f(cy - 6)}" width="22" height="12" fill="${e.color}" stroke="#333" stroke-width="0.5"/>`);
    } else if (e.kind === 'band') {
      parts.push(`<rect x="${f(sx)}" y="${f(cy - 6)}" width="22" height="12" fill="${e.color}" fill-opacity="0.25"/>`);
      parts.push(`<line x1="${f(sx)}" y1="${f(cy)}" x2="${f(sx + 22)}" y2="${f(cy)}" stroke="${e.color}" stroke-width="2"/>`);
    } else {
      if (e.kind !== 'marker') {
        parts.push(`<line x1="${f(sx)}" y1="${f(cy)}" x2="${f(sx + 22)}" y2="${f(cy)}" stroke="${e.color}" stroke-width="2"${e.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
      }
      if (e.kind !== 'line') parts.push(markerSvg(sx + 11, cy, e.color, e.marker ?? 'circle'));
    }
    parts.push(text(sx + 30, cy + 4, e.name, { size: 12 }));
  });
  parts.push('</g>');
}

function markerSvg(x: number, y: number, color: string, shape: NonNullable<Series['marker']>): string {
  if (shape === 'square') return `<rect x="${f(x - 4)}" y="${f(y - 4)}" width="8" height="8" fill="${color}" stroke="#fff" stroke-width="0.8"/>`;
  if (shape === 'triangle') return `<path d="M${f(x)} ${f(y - 5)}L${f(x + 5)} ${f(y + 4)}L${f(x - 5)} ${f(y + 4)}Z" fill="${color}" stroke="#fff" stroke-width="0.8"/>`;
  return `<circle cx="${f(x)}" cy="${f(y)}" r="4.2" fill="${color}" stroke="#fff" stroke-width="0.8"/>`;
}

function requireSameLength(field: string, a: readonly number[], b: readonly number[] | undefined): void {
  if (b !== undefined && b.length !== a.length) {
    throw new InvalidSpecError(field, `must have the same length as x (${a.length}), got ${b.length}`);
  }
}

/** Polyline path through finite points (breaks the line at gaps / non-positive values on log axes). */
function pathThrough(xs: Scale, ys: Scale, x: readonly number[], y: readonly number[]): string {
  let d = '';
  let pen = false;
  for (let i = 0; i < x.length; i++) {
    const ok = Number.isFinite(x[i]!) && Number.isFinite(y[i]!) && (!xs.log || x[i]! > 0) && (!ys.log || y[i]! > 0);
    if (!ok) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${f(xs(x[i]!))} ${f(ys(y[i]!))}`;
    pen = true;
  }
  return d;
}

// ---------------------------------------------------------------------------------------------
// Line / scatter plot

/** Line and/or scatter plot of several series, with optional error bars, log axes and a legend. */
export function linePlot(series: readonly Series[], opts: AxesOptions): string {
  if (series.length === 0) throw new InvalidSpecError('series', 'need at least one series');
  for (const s of series) {
    requireSameLength(`series "${s.name}".y`, s.x, s.y);
    requireSameLength(`series "${s.name}".yErr`, s.x, s.yErr);
    requireSameLength(`series "${s.name}".yLo`, s.x, s.yLo);
    requireSameLength(`series "${s.name}".yHi`, s.x, s.yHi);
  }
  const fr = frame(opts);
  const allX: number[] = [], allY: number[] = [];
  for (const s of series) {
    allX.push(...s.x);
    s.y.forEach((v, i) => {
      allY.push(v);
      if (s.yErr) allY.push(v - s.yErr[i]!, v + s.yErr[i]!);
      if (s.yLo) allY.push(s.yLo[i]!);
      if (s.yHi) allY.push(s.yHi[i]!);
    });
  }
  for (const r of opts.referenceLines ?? []) {
    if (r.y !== undefined) allY.push(r.y);
    if (r.x !== undefined) allX.push(r.x);
  }
  const xd = opts.xDomain ?? dataDomain(allX, !!opts.xLog, 0.04);
  const yd = opts.yDomain ?? dataDomain(allY, !!opts.yLog, 0.08);
  const xs = makeScale(xd[0], xd[1], fr.left, fr.right, !!opts.xLog);
  const ys = makeScale(yd[0], yd[1], fr.bottom, fr.top, !!opts.yLog);
  const parts = open(fr, opts.title);
  parts.push(clipDef(fr, 'plot-area'));
  axes(parts, fr, xs, ys, opts.xLabel, opts.yLabel);
  parts.push(`<g clip-path="url(#plot-area)">`);
  for (const r of opts.referenceLines ?? []) {
    const c = r.color ?? '#777';
    if (r.y !== undefined && (!ys.log || r.y > 0)) {
      parts.push(`<line class="reference" x1="${f(fr.left)}" y1="${f(ys(r.y))}" x2="${f(fr.right)}" y2="${f(ys(r.y))}" stroke="${c}" stroke-width="1.2" stroke-dasharray="3 3"/>`);
      if (r.label) parts.push(text(fr.right - 6, ys(r.y) - 5, r.label, { size: 11, fill: c, anchor: 'end' }));
    }
    if (r.x !== undefined && (!xs.log || r.x > 0)) {
      parts.push(`<line class="reference" x1="${f(xs(r.x))}" y1="${f(fr.top)}" x2="${f(xs(r.x))}" y2="${f(fr.bottom)}" stroke="${c}" stroke-width="1.2" stroke-dasharray="3 3"/>`);
      if (r.label) parts.push(text(xs(r.x) + 4, r.labelAtTop ? fr.top + 14 : fr.bottom - 6, r.label, { size: 11, fill: c }));
    }
  }
  const entries: LegendEntry[] = [];
  series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length]!;
    const mode = s.mode ?? 'line';
    parts.push(`<g class="series" data-name="${escapeXml(s.name)}">`);
    // Error bars first, so markers sit on top.
    if (s.yErr || (s.yLo && s.yHi)) {
      for (let i = 0; i < s.x.length; i++) {
        const lo = s.yErr ? s.y[i]! - s.yErr[i]! : s.yLo![i]!;
        const hi = s.yErr ? s.y[i]! + s.yErr[i]! : s.yHi![i]!;
        const x = s.x[i]!;
        if (![x, lo, hi].every(Number.isFinite) || (xs.log && !(x > 0))) continue;
        const loC = ys.log ? Math.max(lo, ys.lo) : lo;
        if (ys.log && !(hi > 0)) continue;
        const px = xs(x);
        parts.push(`<path class="errorbar" d="M${f(px)} ${f(ys(loC))}V${f(ys(hi))}M${f(px - 4)} ${f(ys(loC))}H${f(px + 4)}M${f(px - 4)} ${f(ys(hi))}H${f(px + 4)}" stroke="${color}" stroke-width="1.3" fill="none"/>`);
      }
    }
    if (mode !== 'scatter') {
      const d = pathThrough(xs, ys, s.x, s.y);
      if (d) parts.push(`<path class="line" d="${d}" fill="none" stroke="${color}" stroke-width="2.2" stroke-linejoin="round"${s.dashed ? ' stroke-dasharray="7 4"' : ''}/>`);
    }
    if (mode !== 'line') {
      for (let i = 0; i < s.x.length; i++) {
        const x = s.x[i]!, y = s.y[i]!;
        if (!Number.isFinite(x) || !Number.isFinite(y) || (xs.log && !(x > 0)) || (ys.log && !(y > 0))) continue;
        parts.push(markerSvg(xs(x), ys(y), color, s.marker ?? 'circle'));
      }
    }
    parts.push('</g>');
    entries.push({ name: s.name, color, kind: mode === 'scatter' ? 'marker' : mode === 'both' ? 'both' : 'line', dashed: s.dashed, marker: s.marker });
  });
  parts.push('</g>');
  legend(parts, fr, entries, opts.legend ?? 'top-right');
  return close(fr, parts);
}

// ---------------------------------------------------------------------------------------------
// Histogram with density overlay

export interface HistogramOptions extends Omit<AxesOptions, 'yLog'> {
  /** Name of the histogram in the legend. */
  histogramName?: string;
  histogramColor?: string;
  yLog?: boolean;
}

export interface DensityOverlay {
  name: string;
  x: readonly number[];
  y: readonly number[];
  /** Optional error band around the curve (absolute lower and upper values). */
  bandLo?: readonly number[];
  bandHi?: readonly number[];
  color?: string;
  dashed?: boolean;
}

/**
 * Histogram (bin edges, heights as a density) with curves drawn over it, each optionally with an
 * error band. `heights[i]` belongs to [edges[i], edges[i+1]).
 */
export function histogramPlot(edges: readonly number[], heights: readonly number[], overlays: readonly DensityOverlay[], opts: HistogramOptions): string {
  if (edges.length !== heights.length + 1) {
    throw new InvalidSpecError('edges', `need heights.length + 1 = ${heights.length + 1} edges, got ${edges.length}`);
  }
  for (let i = 1; i < edges.length; i++) {
    if (!(edges[i]! > edges[i - 1]!)) throw new InvalidSpecError('edges', 'must be strictly increasing');
  }
  for (const o of overlays) {
    requireSameLength(`overlay "${o.name}".y`, o.x, o.y);
    requireSameLength(`overlay "${o.name}".bandLo`, o.x, o.bandLo);
    requireSameLength(`overlay "${o.name}".bandHi`, o.x, o.bandHi);
  }
  const fr = frame(opts);
  const allY: number[] = [...heights];
  for (const o of overlays) allY.push(...o.y, ...(o.bandHi ?? []));
  const xd = opts.xDomain ?? dataDomain([...edges], !!opts.xLog, 0.02);
  const yLog = !!opts.yLog;
  const yd = opts.yDomain ?? (yLog ? dataDomain(allY, true, 0.08) : ([0, Math.max(1e-300, ...allY.filter(Number.isFinite)) * 1.08] as [number, number]));
  const xs = makeScale(xd[0], xd[1], fr.left, fr.right, !!opts.xLog);
  const ys = makeScale(yd[0], yd[1], fr.bottom, fr.top, yLog);
  const parts = open(fr, opts.title);
  parts.push(clipDef(fr, 'plot-area'));
  axes(parts, fr, xs, ys, opts.xLabel, opts.yLabel);
  parts.push(`<g clip-path="url(#plot-area)">`);
  const hColor = opts.histogramColor ?? '#9ecae1';
  parts.push(`<g class="histogram" fill="${hColor}" stroke="#4a7fa8" stroke-width="0.6">`);
  for (let i = 0; i < heights.length; i++) {
    const h = heights[i]!;
    if (!(Number.isFinite(h) && h > 0)) continue;
    const base = yLog ? ys.lo : 0;
    if (yLog && h <= ys.lo) continue;
    const x0 = xs(edges[i]!), x1 = xs(edges[i + 1]!);
    const y0 = ys(base), y1 = ys(h);
    parts.push(`<rect x="${f(x0)}" y="${f(y1)}" width="${f(Math.max(0.3, x1 - x0))}" height="${f(Math.max(0, y0 - y1))}"/>`);
  }
  parts.push('</g>');
  const entries: LegendEntry[] = [{ name: opts.histogramName ?? 'sampled', color: hColor, kind: 'box' }];
  overlays.forEach((o, k) => {
    const color = o.color ?? PALETTE[(k + 1) % PALETTE.length]!;
    parts.push(`<g class="series" data-name="${escapeXml(o.name)}">`);
    if (o.bandLo && o.bandHi) {
      let d = '';
      const idx = [...o.x.keys()].filter((i) => [o.x[i]!, o.bandLo![i]!, o.bandHi![i]!].every(Number.isFinite));
      idx.forEach((i, j) => { d += `${j === 0 ? 'M' : 'L'}${f(xs(o.x[i]!))} ${f(ys(yLog ? Math.max(o.bandHi![i]!, ys.lo) : o.bandHi![i]!))}`; });
      [...idx].reverse().forEach((i) => { d += `L${f(xs(o.x[i]!))} ${f(ys(yLog ? Math.max(o.bandLo![i]!, ys.lo) : o.bandLo![i]!))}`; });
      if (d) parts.push(`<path class="band" d="${d}Z" fill="${color}" fill-opacity="0.22" stroke="none"/>`);
    }
    const d = pathThrough(xs, ys, o.x, o.y);
    if (d) parts.push(`<path class="line" d="${d}" fill="none" stroke="${color}" stroke-width="2.4"${o.dashed ? ' stroke-dasharray="7 4"' : ''}/>`);
    parts.push('</g>');
    entries.push({ name: o.name, color, kind: o.bandLo ? 'band' : 'line', dashed: o.dashed });
  });
  parts.push('</g>');
  legend(parts, fr, entries, opts.legend ?? 'top-right');
  return close(fr, parts);
}

// ---------------------------------------------------------------------------------------------
// Categorical heatmap (basins of attraction)

export interface Category {
  label: string;
  color?: string;
}

export interface HeatmapOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  caption?: string;
  /** Data coordinates of the grid: columns span xRange, rows span yRange (row 0 at the bottom). */
  xRange: [number, number];
  yRange: [number, number];
  /** Pixel size of the square plot area (default 420). */
  size?: number;
  width?: number;
  /** Points to mark on the map (e.g. the fixed points), with the category whose colour they take. */
  marks?: { x: number; y: number; category: number; label?: string }[];
}

/**
 * Categorical heatmap: `cells[r * cols + c]` is a category index (or -1 for "none / did not
 * settle", drawn grey). Rows run bottom to top. Runs of equal cells in a row are merged into one
 * rectangle, so a 200 x 200 map stays a small file.
 */
export function categoricalHeatmap(cells: ArrayLike<number>, rows: number, cols: number, categories: readonly Category[], opts: HeatmapOptions): string {
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(cols) || cols < 1) {
    throw new InvalidSpecError('rows/cols', `must be positive integers, got ${rows} x ${cols}`);
  }
  if (cells.length !== rows * cols) throw new InvalidSpecError('cells', `need rows*cols = ${rows * cols} entries, got ${cells.length}`);
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i]!;
    if (!Number.isInteger(v) || v < -1 || v >= categories.length) {
      throw new InvalidSpecError('cells', `entries must be -1 or a category index < ${categories.length}, got ${v} at ${i}`);
    }
  }
  const size = opts.size ?? 420;
  const legendW = 250;
  const width = opts.width ?? size + 78 + 24 + legendW;
  const fr = frame({ width, height: size + 48 + 58, caption: opts.caption, rightExtra: legendW });
  fr.right = fr.left + size;
  fr.bottom = fr.top + size;
  const colorOf = (k: number) => (k < 0 ? '#bdbdbd' : categories[k]!.color ?? PALETTE[k % PALETTE.length]!);
  const xs = makeScale(opts.xRange[0], opts.xRange[1], fr.left, fr.right, false);
  const ys = makeScale(opts.yRange[0], opts.yRange[1], fr.bottom, fr.top, false);
  const parts = open(fr, opts.title);
  const cw = size / cols, ch = size / rows;
  parts.push(`<g class="cells" shape-rendering="crispEdges">`);
  for (let r = 0; r < rows; r++) {
    let c = 0;
    while (c < cols) {
      const k = cells[r * cols + c]!;
      let e = c + 1;
      while (e < cols && cells[r * cols + e] === k) e++;
      const y = fr.bottom - (r + 1) * ch;
      parts.push(`<rect x="${f(fr.left + c * cw)}" y="${f(y)}" width="${f((e - c) * cw + 0.01)}" height="${f(ch + 0.01)}" fill="${colorOf(k)}"/>`);
      c = e;
    }
  }
  parts.push('</g>');
  parts.push(`<rect x="${f(fr.left)}" y="${f(fr.top)}" width="${f(size)}" height="${f(size)}" fill="none" stroke="#333"/>`);
  parts.push(`<g class="ticks" stroke="#333">`);
  for (const t of xs.ticks) parts.push(`<line x1="${f(xs(t))}" y1="${f(fr.bottom)}" x2="${f(xs(t))}" y2="${f(fr.bottom + 5)}"/>`);
  for (const t of ys.ticks) parts.push(`<line x1="${f(fr.left - 5)}" y1="${f(ys(t))}" x2="${f(fr.left)}" y2="${f(ys(t))}"/>`);
  parts.push('</g>');
  for (const t of xs.ticks) parts.push(text(xs(t), fr.bottom + 19, formatTick(t), { size: 11, anchor: 'middle' }));
  for (const t of ys.ticks) parts.push(text(fr.left - 8, ys(t) + 4, formatTick(t), { size: 11, anchor: 'end' }));
  parts.push(text((fr.left + fr.right) / 2, fr.bottom + 42, opts.xLabel, { size: 13, anchor: 'middle' }));
  parts.push(text(20, (fr.top + fr.bottom) / 2, opts.yLabel, { size: 13, anchor: 'middle', rotate: -90 }));
  for (const m of opts.marks ?? []) {
    if (m.x < opts.xRange[0] || m.x > opts.xRange[1] || m.y < opts.yRange[0] || m.y > opts.yRange[1]) continue;
    const px = xs(m.x), py = ys(m.y);
    parts.push(`<g class="mark"><circle cx="${f(px)}" cy="${f(py)}" r="6" fill="${colorOf(m.category)}" stroke="#000" stroke-width="2"/><path d="M${f(px - 3)} ${f(py)}H${f(px + 3)}M${f(px)} ${f(py - 3)}V${f(py + 3)}" stroke="#000" stroke-width="1.2"/></g>`);
    if (m.label) parts.push(text(px + 9, py - 7, m.label, { size: 11, weight: 'bold' }));
  }
  // Legend to the right of the map, with each category's share of cells.
  const counts = new Array<number>(categories.length + 1).fill(0);
  for (let i = 0; i < cells.length; i++) counts[cells[i]! + 1]!++;
  const lx = fr.right + 20;
  let ly = fr.top + 6;
  parts.push(`<g class="legend">`);
  const rowsOut: [number, string][] = categories.map((c, k) => [k, c.label]);
  if (counts[0]! > 0) rowsOut.push([-1, 'did not settle']);
  for (const [k, label] of rowsOut) {
    const share = counts[k + 1]! / cells.length;
    parts.push(`<rect x="${f(lx)}" y="${f(ly)}" width="16" height="16" fill="${colorOf(k)}" stroke="#333" stroke-width="0.5"/>`);
    parts.push(text(lx + 22, ly + 12, `${label} (${(100 * share).toFixed(1)}%)`, { size: 12 }));
    ly += 22;
  }
  parts.push('</g>');
  return close(fr, parts);
}

// ---------------------------------------------------------------------------------------------
// Rasterising

export interface RasterImage {
  width: number;
  height: number;
  /** RGBA, row-major, 4 bytes per pixel. */
  pixels: Uint8Array;
  png: Buffer;
}

/** Render an SVG document to pixels (throws if the SVG does not parse). */
export function renderSvg(svg: string, opts: { width?: number } = {}): RasterImage {
  const r = new Resvg(svg, {
    fitTo: opts.width ? { mode: 'width', value: opts.width } : { mode: 'original' },
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    logLevel: 'off',
  });
  const img = r.render();
  return { width: img.width, height: img.height, pixels: new Uint8Array(img.pixels), png: img.asPng() };
}

/** Rasterise an SVG figure and write it as a PNG file (`width` in pixels; default the SVG's own). */
export function svgToPng(svg: string, path: string, opts: { width?: number } = {}): { width: number; height: number } {
  const img = renderSvg(svg, opts);
  writeFileSync(path, img.png);
  return { width: img.width, height: img.height };
}
