/**
 * Module URLs for worker threads.
 *
 * `siblingModuleUrl`: the URL of a sibling module, with the extension of the calling module: `.ts`
 * when the project runs from its sources (bin/jesd through tsx, vitest), `.js` when it runs from the
 * build in dist/. Worker threads load their work module by URL, and a URL string is not rewritten by
 * the compiler.
 *
 * `runnableModuleUrl`: the URL a worker thread should load for a module. A worker does not inherit
 * the tsx loader of the main thread, and registering tsx and compiling the sources in every worker
 * costs ~0.3-0.5 s per start; the compiled twin in dist/ starts in ~0.06-0.25 s. The twin is used
 * only under the rule bin/jesd applies to itself: dist/.build-stamp exists, no file under src/ is
 * newer than it, and JESD_FROM_SOURCE is not 1. So a worker never runs code older than the sources.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join, relative, sep } from 'node:path';

export function siblingModuleUrl(importMetaUrl: string, relativeNoExt: string): string {
  const ext = new URL(importMetaUrl).pathname.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`${relativeNoExt}${ext}`, importMetaUrl).href;
}

/** The package root: this file is ROOT/src/moduleUrl.ts or ROOT/dist/moduleUrl.js. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

let buildCurrent: boolean | undefined;

/** True when dist/ holds a complete build at least as new as every file under src/ (bin/jesd's rule). */
export function buildIsCurrent(): boolean {
  if (process.env.JESD_FROM_SOURCE === '1') return false;
  if (buildCurrent === undefined) {
    try {
      const stamp = join(ROOT, 'dist', '.build-stamp');
      const src = join(ROOT, 'src');
      buildCurrent = existsSync(stamp) && (!existsSync(src) || newestMtime(src) <= statSync(stamp).mtimeMs);
    } catch {
      buildCurrent = false;
    }
  }
  return buildCurrent;
}

/**
 * For a `.ts` module under ROOT/src/ whose compiled twin ROOT/dist/... .js exists and is current,
 * the twin's URL; otherwise `url` unchanged (a worker then compiles the sources through tsx).
 */
export function runnableModuleUrl(url: string): string {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return url;
  const path = fileURLToPath(url);
  const rel = relative(join(ROOT, 'src'), path);
  if (rel.startsWith('..') || rel.startsWith(sep)) return url;
  const twin = join(ROOT, 'dist', rel.replace(/\.ts$/, '.js'));
  if (!buildIsCurrent() || !existsSync(twin)) return url;
  return pathToFileURL(twin).href;
}
