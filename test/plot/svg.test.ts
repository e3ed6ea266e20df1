import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  categoricalHeatmap, histogramPlot, linePlot, linearTicks, logTicks, plotFrame, renderSvg, svgToPng, wrapText,
} from '../../src/plot/svg.ts';
import { InvalidSpecError } from '../../src/errors.ts';

/**
 * A tiny XML well-formedness checker (independent of the renderer): every tag closes in order,
 * attributes are quoted, entities are the five predefined ones. Returns the element names in order.
 */
function xmlElements(doc: string): string[] {
  const names: string[] = [];
  const stack: string[] = [];
  let i = doc.startsWith('<?xml') ? doc.indexOf('?>') + 2 : 0;
  while (i < doc.length) {
    const lt = doc.indexOf('<', i);
    const textPart = doc.slice(i, lt < 0 ? doc.length : lt);
    if (/&(?!(amp|lt|gt|quot|apos);)/.test(textPart)) throw new Error(`bad entity in text near ${i}`);
    if (lt < 0) break;
    const gt = doc.indexOf('>', lt);
    if (gt < 0) throw new Error('unterminated tag');
    const tag = doc.slice(lt + 1, gt);
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      if (stack.pop() !== name) throw new Error(`mismatched </${name}>`);
    } else {
      const m = /^([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)$/.exec(tag);
      if (!m) throw new Error(`malformed tag <${tag}>`);
      names.push(m[1]!);
      if (m[3] !== '/') stack.push(m[1]!);
    }
    i = gt + 1;
  }
  if (stack.length !== 0) throw new Error(`unclosed <${stack.join(', ')}>`);
  return names;
}

function pixel(img: { width: number; pixels: Uint8Array }, x: number, y: number): [number, number, number] {
  const o = (Math.floor(y) * img.width + Math.floor(x)) * 4; // the pixel containing (x, y)
  return [img.pixels[o]!, img.pixels[o + 1]!, img.pixels[o + 2]!];
}

function hex(c: string): [number, number, number] {
  return [parseInt(c.slice(1, 3), 16), parseInt(c.slice(3, 5), 16), parseInt(c.slice(5, 7), 16)];
}

function near(a: [number, number, number], b: [number, number, number], tol: number): boolean {
  return Math.abs(a[0] - b[0]) <= tol && Math.abs(a[1] - b[1]) <= tol && Math.abs(a[2] - b[2]) <= tol;
}

describe('svg plotting', () => {
  it('line plot: well-formed, contains each series, title, labels and escaped text', () => {
    const svg = linePlot(
      [
        { name: 'theory <ESD> & co', x: [1, 2, 4, 8], y: [1, 2, 3, 1.5], dashed: true },
        { name: 'Monte Carlo', x: [1, 2, 4, 8], y: [1, 1.8, 3.2, 1.4], yErr: [0.1, 0.2, 0.3, 0.1], mode: 'both' },
      ],
      { title: 'Q over depth', xLabel: 'depth L', yLabel: 'mean Q', xLog: true, caption: 'A caption with <angle> brackets & an ampersand.' },
    );
    const names = xmlElements(svg);
    expect(names[0]).toBe('svg');
    expect(svg).toContain('data-name="theory &lt;ESD&gt; &amp; co"');
    expect(svg).toContain('data-name="Monte Carlo"');
    expect(svg).toContain('>Q over depth</text>');
    expect(svg).toContain('>depth L</text>');
    // 4 error bars for the second series only.
    expect(svg.match(/class="errorbar"/g)?.length).toBe(4);
    // The renderer parses it too.
    const img = renderSvg(svg);
    expect(img.width).toBe(720);
  });

  it('a rendered line has the series colour where the data is, and background elsewhere', () => {
    const color = '#D55E00';
    const opts = { title: 't', xLabel: 'x', yLabel: 'y', xDomain: [0, 1] as [number, number], yDomain: [0, 1] as [number, number], legend: 'none' as const };
    const svg = linePlot([{ name: 'flat', x: [0, 1], y: [0.25, 0.25], color }], opts);
    const img = renderSvg(svg);
    const fr = plotFrame(opts);
    // y = 0.25 maps to bottom - 0.25 (bottom - top); the 2.2 px stroke covers that row.
    const yPix = fr.bottom - 0.25 * (fr.bottom - fr.top);
    const xMid = (fr.left + fr.right) / 2 + 7; // off the vertical grid line at x = 0.5
    // Anti-aliasing blurs colour by at most a few levels at the stroke centre: tolerance 40 of 255.
    expect(near(pixel(img, xMid, yPix), hex(color), 40)).toBe(true);
    // Well above the line (y = 0.63, between grid lines) the plot area is white background.
    expect(pixel(img, xMid, fr.bottom - 0.63 * (fr.bottom - fr.top))).toEqual([255, 255, 255]);
    // Count series-coloured pixels: the line spans the plot width, so at least width - margins.
    let count = 0;
    for (let x = Math.ceil(fr.left) + 2; x < fr.right - 2; x++) {
      for (let y = Math.floor(yPix) - 3; y <= Math.ceil(yPix) + 3; y++) if (near(pixel(img, x, y), hex(color), 40)) { count++; break; }
    }
    expect(count).toBeGreaterThan(0.95 * (fr.right - fr.left - 4));
  });

  it('log axes place decades at equal spacing', () => {
    const opts = { title: 't', xLabel: 'x', yLabel: 'y', xLog: true, yLog: true, xDomain: [1, 100] as [number, number], yDomain: [1, 100] as [number, number], legend: 'none' as const };
    const color = '#009E73';
    // The line y = x on log-log axes is the diagonal of the plot area.
    const svg = linePlot([{ name: 'diag', x: [1, 10, 100], y: [1, 10, 100], color }], opts);
    const img = renderSvg(svg);
    const fr = plotFrame(opts);
    for (const t of [0.3, 0.5, 0.7]) {
      const x = fr.left + t * (fr.right - fr.left), y = fr.bottom - t * (fr.bottom - fr.top);
      expect(near(pixel(img, x, y), hex(color), 60)).toBe(true);
    }
    expect(logTicks(1, 100)).toEqual([1, 2, 5, 10, 20, 50, 100]);
    expect(logTicks(1, 1e6)).toEqual([1, 10, 100, 1000, 10000, 100000, 1000000]);
    expect(linearTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('histogram with overlay and band: bars filled where counts are, band drawn', () => {
    const edges = [0, 1, 2, 3, 4];
    const heights = [0.1, 0.4, 0.4, 0.1];
    const opts = { title: 'hist', xLabel: 'x', yLabel: 'density', xDomain: [0, 4] as [number, number], yDomain: [0, 0.5] as [number, number], legend: 'none' as const };
    const svg = histogramPlot(edges, heights, [{ name: 'theory', x: [0, 2, 4], y: [0.1, 0.45, 0.1], bandLo: [0.05, 0.4, 0.05], bandHi: [0.15, 0.5, 0.15] }], opts);
    xmlElements(svg);
    expect(svg.match(/<rect x=/g)!.length).toBeGreaterThanOrEqual(4);
    expect(svg).toContain('class="band"');
    const img = renderSvg(svg);
    const fr = plotFrame(opts);
    const xOf = (v: number) => fr.left + (v / 4) * (fr.right - fr.left);
    const yOf = (v: number) => fr.bottom - (v / 0.5) * (fr.bottom - fr.top);
    // Inside bar 2 (x = 1.3, y = 0.2, below the band): histogram fill #9ecae1 (exact fill, tol 3).
    expect(near(pixel(img, xOf(1.3), yOf(0.2)), [0x9e, 0xca, 0xe1], 3)).toBe(true);
    // Above bar 1 (x = 0.7, y = 0.35, off the grid lines): no bar, no band there -> white.
    expect(pixel(img, xOf(0.7), yOf(0.35))).toEqual([255, 255, 255]);
    expect(() => histogramPlot([0, 1], [1, 2], [], opts)).toThrow(InvalidSpecError);
  });

  it('categorical heatmap: colours the cells by category and reports shares', () => {
    // 2 x 2: bottom row [0, 1], top row [1, -1].
    const svg = categoricalHeatmap([0, 1, 1, -1], 2, 2, [{ label: 'A', color: '#ff0000' }, { label: 'B', color: '#0000ff' }], {
      title: 'basins', xLabel: 'x1', yLabel: 'x2', xRange: [-1, 1], yRange: [-1, 1], size: 200,
    });
    xmlElements(svg);
    expect(svg).toContain('A (25.0%)');
    expect(svg).toContain('B (50.0%)');
    expect(svg).toContain('did not settle (25.0%)');
    const img = renderSvg(svg);
    // Plot area is left=78, top=48, size 200: bottom-left cell centre (128, 198) is red.
    expect(pixel(img, 128, 198)).toEqual([255, 0, 0]);
    expect(pixel(img, 228, 198)).toEqual([0, 0, 255]);
    expect(pixel(img, 128, 98)).toEqual([0, 0, 255]);
    expect(pixel(img, 228, 98)).toEqual([0xbd, 0xbd, 0xbd]);
    expect(() => categoricalHeatmap([0, 5], 1, 2, [{ label: 'A' }], { title: '', xLabel: '', yLabel: '', xRange: [0, 1], yRange: [0, 1] })).toThrow(InvalidSpecError);
  });

  it('svgToPng writes a PNG file; output is deterministic', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jesd-svg-'));
    const mk = () => linePlot([{ name: 's', x: [0, 1, 2], y: [0, 1, 4] }], { title: 't', xLabel: 'x', yLabel: 'y' });
    expect(mk()).toBe(mk());
    const size = svgToPng(mk(), join(dir, 'a.png'), { width: 360 });
    expect(size.width).toBe(360);
    const bytes = readFileSync(join(dir, 'a.png'));
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it('wrapText keeps lines under the limit without losing words', () => {
    const s = 'one two three four five six seven eight nine ten';
    const lines = wrapText(s, 12);
    expect(lines.join(' ')).toBe(s);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(12);
  });
});
