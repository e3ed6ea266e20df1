/**
 * The URL of a sibling module, with the extension of the calling module: `.ts` when the project
 * runs from its sources (bin/jesd through tsx, vitest), `.js` when it runs from the build in dist/.
 * Worker threads load their work module by URL, and a URL string is not rewritten by the compiler.
 */
export function siblingModuleUrl(importMetaUrl: string, relativeNoExt: string): string {
  const ext = new URL(importMetaUrl).pathname.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`${relativeNoExt}${ext}`, importMetaUrl).href;
}
